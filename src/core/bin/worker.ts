import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import {
  capabilities,
  guardrails,
  metadataStandards,
  metadataViolations,
  modules,
  propagationLog,
  syncBuffer,
} from '../../db/schema/index.js';
import { writeAudits, type AuditEntry, type Executor } from '../audit.js';
import { caseById, inIds, insertRows } from '../bulk.js';
import { compileGuardrail, guardrailColumns, type GuardrailRow } from './guardrails.js';
import { APPENDED_KEYS, handlerFor, HandlerError, type AppendingHandler, type PropagatedChange } from './handlers.js';
import { analyseImpact, loadSubscribers, type ImpactAnalysis } from './impact.js';
import { asJson, driverCode } from './input.js';
import { compileStandard, standardColumns } from './standards.js';
import { storedResults, validateChange, type RuleSet, type Validation, type ValidationResults } from './validation.js';

export interface WorkerOptions {
  /** Names the worker in leases and logs; default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Audit user of the worker's actions. */
  actor?: string;
  /** Changes claimed and written per transaction. */
  batchSize?: number;
  /** How long a claim holds; a crashed worker's changes are reclaimed after it. */
  leaseMs?: number;
  /** Propagate VALIDATED changes without warnings at once (setting `cockpit.bin.autoPropagate`). */
  autoPropagate?: boolean;
  /** Claims after which a change that never completes is given up (rejected, or left for a retry). */
  maxAttempts?: number;
  log?: (message: string) => void;
  /** Runs inside the batch transaction just before COMMIT (tests stop a worker here). */
  beforeCommit?: (changeIds: string[]) => Promise<void> | void;
}

export interface BatchReport {
  claimed: number;
  validated: number;
  rejected: number;
  awaitingApproval: number;
  propagated: number;
  dashboardsSucceeded: number;
  dashboardsFailed: number;
  /** Changes another worker took over after this worker's lease expired. */
  leaseLost: number;
}

const emptyReport = (): BatchReport => ({
  claimed: 0,
  validated: 0,
  rejected: 0,
  awaitingApproval: 0,
  propagated: 0,
  dashboardsSucceeded: 0,
  dashboardsFailed: 0,
  leaseLost: 0,
});

interface ClaimedChange {
  id: string;
  projectId: string;
  changeType: string;
  sourceModuleId: string | null;
  payload: unknown;
  status: 'PENDING' | 'VALIDATED' | 'REJECTED' | 'PROPAGATED';
  impactAnalysis: unknown;
  attempts: number;
  leaseOwner: string | null;
}

/** What the batch transaction does with one claimed change. */
interface Plan {
  change: ClaimedChange;
  /** Set when the change was validated in this batch. */
  validation?: Validation;
  impact: ImpactAnalysis;
  propagate: boolean;
  givenUp?: string;
}

interface DashboardOutcome {
  dashboardId: string;
  status: 'SUCCESS' | 'FAILED';
  action: string;
  message: string | null;
  /** The status an earlier attempt logged, if any. */
  previous?: 'SUCCESS' | 'PARTIAL' | 'FAILED';
}

interface ModuleState {
  id: string;
  name: string;
  moduleType: string;
  /** For an appending module type, without the list its handler appends to. */
  configuration: unknown;
  /** JSON_TYPE of that list (NULL: absent); only for appending module types. */
  appendedType: string | null;
}

/** A module as the handlers leave it in memory: rewritten, or with entries to append on the server. */
interface WorkingModule extends ModuleState {
  rewritten: boolean;
  appended: unknown[];
}

/** What the first step of propagation decided, for the second (see `propagate`). */
interface Propagation {
  plans: Plan[];
  moduleIds: string[];
  state: PropagationState;
  now: string;
  outcomes: Map<string, DashboardOutcome[]>;
}

interface PropagationState {
  modules: ModuleState[];
  granted: Set<string>;
  prior: Map<string, 'SUCCESS' | 'PARTIAL' | 'FAILED'>;
}

class LeaseLost extends Error {}
/**
 * Another worker wrote a propagation this one was about to write, or a module changed between
 * deciding the propagation and locking it: redo the batch.
 */
class PropagationRace extends Error {}

const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY']);
/** TiDB's write conflict and lock errors (optimistic transactions, pessimistic lock timeouts). */
const RETRYABLE_ERRNO = new Set([9007, 8002, 8022, 8028]);

function retryable(error: unknown): boolean {
  if (error instanceof PropagationRace) return true;
  const code = driverCode(error);
  if (code && RETRYABLE.has(code)) return true;
  for (let e = error as { errno?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.errno === 'number' && RETRYABLE_ERRNO.has(e.errno)) return true;
    if (e.cause === e) break;
  }
  return false;
}

const affectedRows = (result: unknown): number => {
  const header = Array.isArray(result) ? result[0] : result;
  return Number((header as { affectedRows?: number } | undefined)?.affectedRows ?? 0);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = <T>(values: T[]) => [...new Set(values)];

const leaseFree = or(isNull(syncBuffer.leaseExpiresAt), lt(syncBuffer.leaseExpiresAt, sql`NOW(6)`));

const claimedColumns = {
  id: syncBuffer.id,
  projectId: syncBuffer.projectId,
  changeType: syncBuffer.changeType,
  sourceModuleId: syncBuffer.sourceModuleId,
  payload: syncBuffer.payload,
  status: syncBuffer.status,
  impactAnalysis: syncBuffer.impactAnalysis,
  attempts: syncBuffer.attempts,
  leaseOwner: syncBuffer.leaseOwner,
};

const appendedPath = (key: string) => `$.${key}`;
/** Appending module types are read without their growing list: its JSON type says whether it is one. */
const moduleConfiguration = sql`CASE ${modules.moduleType} ${sql.join(
  APPENDED_KEYS.map(
    ({ moduleType, key }) => sql`WHEN ${moduleType} THEN JSON_REMOVE(${modules.configuration}, ${appendedPath(key)})`,
  ),
  sql` `,
)} ELSE ${modules.configuration} END`;
const moduleAppendedType = sql<string | null>`CASE ${modules.moduleType} ${sql.join(
  APPENDED_KEYS.map(
    ({ moduleType, key }) =>
      sql`WHEN ${moduleType} THEN JSON_TYPE(JSON_EXTRACT(${modules.configuration}, ${appendedPath(key)}))`,
  ),
  sql` `,
)} END`;

const EMPTY_IMPACT: ImpactAnalysis = { dashboards: [], dashboardCount: 0, moduleCount: 0, highImpact: false };

/**
 * The Bin's worker: claims PENDING changes (and VALIDATED ones due for propagation) with a lease,
 * validates them, analyses their impact and propagates them to the affected dashboards.
 *
 * Claims are conditional UPDATEs checked by affectedRows (TiDB ignores SKIP LOCKED). Each batch is
 * written in ONE transaction: module updates, propagation_log rows, the changes' new state,
 * violations and audit rows. Exactly one SUCCESS per (change, dashboard) is guaranteed by the
 * unique key on propagation_log and the lease fence on the final UPDATE: a worker that crashes
 * before COMMIT leaves nothing behind, one that lost its lease or raced another rolls back.
 */
export class BinWorker {
  readonly workerId: string;
  private readonly actor: string;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly autoPropagate: boolean;
  private readonly maxAttempts: number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly db: Db,
    private readonly options: WorkerOptions = {},
  ) {
    this.workerId = (options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`).slice(0, 60);
    this.actor = options.actor ?? 'bin-worker';
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? 100, 1000));
    this.leaseMs = Math.max(100, options.leaseMs ?? 30_000);
    this.autoPropagate = options.autoPropagate ?? true;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.log = options.log ?? (() => undefined);
  }

  /** Claims and processes one batch; `claimed` is 0 when nothing was claimable. */
  async runOnce(): Promise<BatchReport> {
    const pending = await this.claim('PENDING', this.batchSize);
    const due = pending.length < this.batchSize ? await this.claim('VALIDATED', this.batchSize - pending.length) : [];
    const batch = [...pending, ...due];
    const report = emptyReport();
    report.claimed = batch.length;
    if (batch.length === 0) return report;
    try {
      await this.process(batch, report);
    } catch (error) {
      // Unexpected: let the changes be claimed again at once; `attempts` stops a change that
      // fails every time.
      await this.release(batch).catch(() => undefined);
      throw error;
    }
    return report;
  }

  /** Runs batches until nothing is claimable (changes leased by live workers are theirs). */
  async drain(signal?: AbortSignal): Promise<BatchReport> {
    const total = emptyReport();
    for (;;) {
      if (signal?.aborted) return total;
      const report = await this.runOnce();
      if (report.claimed === 0) return total;
      for (const key of Object.keys(total) as Array<keyof BatchReport>) total[key] += report[key];
    }
  }

  private async claim(status: 'PENDING' | 'VALIDATED', limit: number): Promise<ClaimedChange[]> {
    const claimable = and(
      eq(syncBuffer.status, status),
      eq(syncBuffer.propagationDue, status === 'VALIDATED'),
      leaseFree,
    );
    // Two workers that read the same candidates race on the UPDATE; the loser looks again.
    for (let round = 0; round < 3; round++) {
      const candidates = await this.db
        .select({ id: syncBuffer.id })
        .from(syncBuffer)
        .where(claimable)
        .orderBy(asc(syncBuffer.createdAt))
        .limit(limit);
      if (candidates.length === 0) return [];
      const ids = candidates.map((c) => c.id);
      const owner = `${this.workerId}:${randomUUID()}`;
      const claimed = affectedRows(
        await this.db
          .update(syncBuffer)
          .set({
            leaseOwner: owner,
            leaseExpiresAt: sql`DATE_ADD(NOW(6), INTERVAL ${this.leaseMs * 1000} MICROSECOND)`,
            attempts: sql`${syncBuffer.attempts} + 1`,
          })
          .where(and(inArray(syncBuffer.id, ids), claimable)),
      );
      if (claimed === 0) continue;
      return this.db
        .select(claimedColumns)
        .from(syncBuffer)
        .where(and(inArray(syncBuffer.id, ids), eq(syncBuffer.leaseOwner, owner)))
        .orderBy(asc(syncBuffer.createdAt));
    }
    return [];
  }

  private async release(batch: ClaimedChange[]): Promise<void> {
    const owners = unique(batch.map((c) => c.leaseOwner!));
    await this.db
      .update(syncBuffer)
      .set({ leaseOwner: null, leaseExpiresAt: null })
      .where(inArray(syncBuffer.leaseOwner, owners));
  }

  private async process(batch: ClaimedChange[], report: BatchReport): Promise<void> {
    const plans = await this.plan(batch);
    let remaining = plans;
    for (let attempt = 1; remaining.length > 0; attempt++) {
      try {
        const counts = await this.db.transaction((tx) => this.write(tx, remaining));
        for (const key of Object.keys(counts) as Array<keyof BatchReport>) report[key] += counts[key];
        return;
      } catch (error) {
        if (error instanceof LeaseLost) {
          const owners = unique(remaining.map((p) => p.change.leaseOwner!));
          const still = await this.db
            .select({ id: syncBuffer.id })
            .from(syncBuffer)
            .where(
              and(
                inArray(
                  syncBuffer.id,
                  remaining.map((p) => p.change.id),
                ),
                inArray(syncBuffer.leaseOwner, owners),
              ),
            );
          const kept = new Set(still.map((r) => r.id));
          report.leaseLost += remaining.length - kept.size;
          this.log(
            `${remaining.length - kept.size} change(s) were taken over by another worker after the lease expired.`,
          );
          remaining = remaining.filter((p) => kept.has(p.change.id));
          continue;
        }
        if (attempt < 5 && retryable(error)) {
          this.log(
            `Batch of ${remaining.length} change(s) retried after ${driverCode(error) ?? (error as Error).message}.`,
          );
          await sleep(Math.random() * 20 * attempt);
          continue;
        }
        throw error;
      }
    }
  }

  /** Validation and impact analysis: pure work done once per batch, outside the transaction. */
  private async plan(batch: ClaimedChange[]): Promise<Plan[]> {
    const toValidate = batch.filter((c) => c.status === 'PENDING' && c.attempts <= this.maxAttempts);
    const projectIds = unique(toValidate.map((c) => c.projectId));
    const [rules, subscribers] = await Promise.all([this.loadRules(projectIds), loadSubscribers(this.db, projectIds)]);
    return batch.map((change): Plan => {
      if (change.attempts > this.maxAttempts) {
        const givenUp = `The Bin gave up after ${change.attempts - 1} attempts: a worker stopped or failed while processing this change each time.`;
        return {
          change,
          impact: asJson<ImpactAnalysis | null>(change.impactAnalysis) ?? EMPTY_IMPACT,
          propagate: false,
          givenUp,
        };
      }
      if (change.status === 'VALIDATED') {
        return {
          change,
          impact: asJson<ImpactAnalysis | null>(change.impactAnalysis) ?? EMPTY_IMPACT,
          propagate: true,
        };
      }
      const payload = asJson(change.payload);
      // MariaDB returns the stored JSON text: its size is the payload's, no need to serialize again.
      const json = typeof change.payload === 'string' ? change.payload : JSON.stringify(payload);
      const bytes = Buffer.byteLength(json, 'utf8');
      const validation = validateChange(
        { changeType: change.changeType, payload, bytes },
        rules.get(change.projectId)!,
      );
      const impact = analyseImpact(
        { changeType: change.changeType, payload: validation.payload, sourceModuleId: change.sourceModuleId },
        subscribers.get(change.projectId) ?? [],
      );
      if (!this.autoPropagate && validation.results.outcome === 'validated') validation.results.requiresApproval = true;
      const propagate = validation.results.outcome === 'validated' && !validation.results.requiresApproval;
      return { change: { ...change, payload: validation.payload }, validation, impact, propagate };
    });
  }

  /** Active standards and, per project, the enabled system guardrails plus the project's own. */
  private async loadRules(projectIds: string[]): Promise<Map<string, RuleSet>> {
    const result = new Map<string, RuleSet>();
    if (projectIds.length === 0) return result;
    const [standardRows, guardrailRows] = await Promise.all([
      this.db
        .select(standardColumns)
        .from(metadataStandards)
        .where(eq(metadataStandards.isActive, true))
        .orderBy(asc(metadataStandards.standardName)),
      this.db
        .select(guardrailColumns)
        .from(guardrails)
        .where(
          and(
            eq(guardrails.enabled, true),
            or(isNull(guardrails.projectId), inArray(guardrails.projectId, projectIds)),
          ),
        )
        .orderBy(asc(guardrails.severity), asc(guardrails.ruleId)),
    ]);
    const standards = standardRows.map(compileStandard);
    const compiled = guardrailRows.map((row) =>
      compileGuardrail({ ...row, configuration: asJson(row.configuration) } as GuardrailRow),
    );
    for (const projectId of projectIds) {
      result.set(projectId, {
        standards,
        guardrails: compiled.filter((g) => g.row.projectId === null || g.row.projectId === projectId),
      });
    }
    return result;
  }

  /** One transaction for the whole batch. */
  private async write(tx: Executor, plans: Plan[]): Promise<BatchReport> {
    const counts = emptyReport();
    const owners = unique(plans.map((p) => p.change.leaseOwner!));
    // Fenced by the lease: a worker whose lease was taken over writes nothing.
    const leased = (ids: string[]) => and(inIds(syncBuffer.id, ids), inIds(syncBuffer.leaseOwner, owners));
    const results = (plan: Plan): ValidationResults | undefined => {
      if (plan.givenUp && plan.change.status === 'PENDING') {
        return { outcome: 'rejected', requiresApproval: false, summary: plan.givenUp, rules: [] };
      }
      return plan.validation?.results;
    };

    // Validation results, impact, redactions and violations do not depend on propagation: written
    // before propagation locks the modules, so they overlap another worker's locked section.
    const validated = plans.filter((plan) => results(plan)).map((plan) => ({ id: plan.change.id, plan }));
    if (validated.length > 0) {
      const written = affectedRows(
        await tx
          .update(syncBuffer)
          .set({
            validationResults: caseById(syncBuffer.id, validated, (v) =>
              JSON.stringify(storedResults(results(v.plan)!)),
            ),
            impactAnalysis: caseById(syncBuffer.id, validated, (v) => JSON.stringify(v.plan.impact)),
            validatedAt: sql`NOW(6)`,
          })
          .where(leased(validated.map((v) => v.id))),
      );
      if (written !== validated.length) throw new LeaseLost();
    }
    for (const plan of plans) {
      if (!plan.validation?.redacted) continue;
      await tx.update(syncBuffer).set({ payload: plan.validation.payload }).where(eq(syncBuffer.id, plan.change.id));
    }

    const violations = plans.flatMap((plan) =>
      (plan.validation?.violations ?? []).map((v) => ({
        id: randomUUID(),
        standardId: v.standardId,
        resourceType: 'sync_buffer',
        resourceId: `${plan.change.id}#${v.path}`.slice(0, 255),
        violationValue: v.value,
        suggestedFix: v.suggestedFix,
      })),
    );
    if (violations.length > 0) await tx.insert(metadataViolations).values(violations);

    const propagating = plans.filter((p) => p.propagate);
    const propagation = propagating.length > 0 ? await this.propagate(tx, propagating, performance.now()) : undefined;
    const outcomes = propagation?.outcomes ?? new Map<string, DashboardOutcome[]>();
    interface Final {
      id: string;
      plan: Plan;
      status: 'VALIDATED' | 'REJECTED' | 'PROPAGATED';
    }
    const finals: Final[] = plans.map((plan) => {
      if (plan.givenUp)
        return { id: plan.change.id, plan, status: plan.change.status === 'VALIDATED' ? 'VALIDATED' : 'REJECTED' };
      if (plan.validation?.results.outcome === 'rejected') return { id: plan.change.id, plan, status: 'REJECTED' };
      const dashboards = outcomes.get(plan.change.id);
      const allSucceeded =
        plan.propagate && dashboards !== undefined && dashboards.every((d) => d.status === 'SUCCESS');
      return { id: plan.change.id, plan, status: allSucceeded ? 'PROPAGATED' : 'VALIDATED' };
    });
    // Waiting for approval: not due. Failed propagations wait for a retry: not due either.
    for (const propagated of [true, false]) {
      const rows = finals.filter((f) => (f.status === 'PROPAGATED') === propagated);
      if (rows.length === 0) continue;
      const written = affectedRows(
        await tx
          .update(syncBuffer)
          .set({
            status: caseById(syncBuffer.id, rows, (r) => r.status),
            propagationDue: false,
            leaseOwner: null,
            leaseExpiresAt: null,
            attempts: 0,
            ...(propagated ? { propagatedAt: sql`NOW(6)` } : {}),
          })
          .where(leased(rows.map((r) => r.id))),
      );
      if (written !== rows.length) throw new LeaseLost();
    }

    const audits: AuditEntry[] = [];
    for (const f of finals) {
      const { plan } = f;
      const resource = { userId: this.actor, resourceType: 'sync_buffer', resourceId: plan.change.id };
      const validation = results(plan);
      if (validation) {
        audits.push({
          ...resource,
          action: 'bin.validate',
          status: validation.outcome === 'rejected' ? 'failure' : 'success',
          metadata: {
            worker: this.workerId,
            outcome: validation.outcome,
            requiresApproval: validation.requiresApproval,
            summary: validation.summary,
            violations: plan.validation?.violations.length ?? 0,
            redacted: plan.validation?.redacted ?? false,
            dashboards: plan.impact.dashboardCount,
          },
        });
        if (validation.outcome === 'rejected') counts.rejected++;
        else {
          counts.validated++;
          if (validation.requiresApproval) counts.awaitingApproval++;
        }
      }
      const dashboards = outcomes.get(plan.change.id);
      if (dashboards) {
        const failed = dashboards.filter((d) => d.status === 'FAILED');
        counts.dashboardsFailed += failed.length;
        counts.dashboardsSucceeded += dashboards.length - failed.length;
        if (f.status === 'PROPAGATED') counts.propagated++;
        audits.push({
          ...resource,
          action: 'bin.propagate',
          status: failed.length === 0 ? 'success' : failed.length === dashboards.length ? 'failure' : 'partial',
          metadata: {
            worker: this.workerId,
            dashboards: dashboards.length,
            failed: failed.map((d) => ({ dashboardId: d.dashboardId, message: d.message })),
          },
        });
      } else if (plan.givenUp && plan.change.status === 'VALIDATED') {
        audits.push({
          ...resource,
          action: 'bin.propagate',
          status: 'failure',
          metadata: { worker: this.workerId, message: plan.givenUp },
        });
      }
    }
    await writeAudits(tx, audits);
    if (propagation) await this.writeModules(tx, propagation);

    await this.options.beforeCommit?.(plans.map((p) => p.change.id));
    return counts;
  }

  /** The modules the batch propagates to, in id order; `lock`: FOR UPDATE (two workers lock in the same order). */
  private async readModules(tx: Executor, moduleIds: string[], lock: boolean): Promise<ModuleState[]> {
    if (moduleIds.length === 0) return [];
    const query = tx
      .select({
        id: modules.id,
        name: modules.name,
        moduleType: modules.moduleType,
        configuration: moduleConfiguration,
        appendedType: moduleAppendedType,
      })
      .from(modules)
      .where(inIds(modules.id, moduleIds))
      .orderBy(asc(modules.id));
    return lock ? query.for('update') : query;
  }

  /** What propagation reads: the modules as last committed (no lock), granted capabilities, earlier log rows. */
  private async readState(tx: Executor, plans: Plan[], moduleIds: string[]): Promise<PropagationState> {
    const moduleRows = await this.readModules(tx, moduleIds, false);
    const grants =
      moduleIds.length === 0
        ? []
        : await tx
            .select({ moduleId: capabilities.moduleId, capabilityType: capabilities.capabilityType })
            .from(capabilities)
            .where(and(inIds(capabilities.moduleId, moduleIds), eq(capabilities.granted, true)));
    const prior = await tx
      .select({
        syncBufferId: propagationLog.syncBufferId,
        affectedDashboardId: propagationLog.affectedDashboardId,
        status: propagationLog.status,
      })
      .from(propagationLog)
      .where(
        inIds(
          propagationLog.syncBufferId,
          plans.map((p) => p.change.id),
        ),
      );
    return {
      modules: moduleRows,
      granted: new Set(grants.map((g) => `${g.moduleId}\u0000${g.capabilityType}`)),
      prior: new Map(prior.map((p) => [`${p.syncBufferId}\u0000${p.affectedDashboardId}`, p.status])),
    };
  }

  /** Runs the handlers over the state in memory: the outcome per dashboard and the new module configurations. */
  private applyAll(plans: Plan[], state: PropagationState, now: string) {
    const working = new Map<string, WorkingModule>(
      state.modules.map((m) => [
        m.id,
        { ...m, configuration: asJson<unknown>(m.configuration), rewritten: false, appended: [] },
      ]),
    );
    const outcomes = new Map<string, DashboardOutcome[]>();
    for (const plan of plans) {
      const change: PropagatedChange = {
        id: plan.change.id,
        changeType: plan.change.changeType,
        payload: asJson(plan.change.payload),
        sourceModuleId: plan.change.sourceModuleId,
      };
      outcomes.set(
        change.id,
        plan.impact.dashboards.map((dashboard) => {
          const previous = state.prior.get(`${change.id}\u0000${dashboard.id}`);
          if (previous === 'SUCCESS') {
            return {
              dashboardId: dashboard.id,
              status: 'SUCCESS',
              action: 'already propagated',
              message: null,
              previous,
            };
          }
          return { ...this.applyToDashboard(change, dashboard, working, state.granted, now), previous };
        }),
      );
    }
    return { outcomes, changed: [...working.values()] };
  }

  /**
   * Propagation, in two steps of the batch transaction. This one runs the handlers over the
   * modules as last committed, without locking them, and writes the propagation_log rows: plain
   * INSERTs, so if another worker committed the same (change, dashboard) meanwhile, the unique key
   * fails and the whole transaction rolls back. The batch's other writes follow, then
   * `writeModules` locks the modules, runs the handlers again and writes them: the locks, which
   * every batch needs on the same modules, are held only from there to COMMIT.
   */
  private async propagate(tx: Executor, plans: Plan[], started: number): Promise<Propagation> {
    const moduleIds = unique(
      plans.flatMap((p) => p.impact.dashboards.flatMap((d) => d.modules.map((m) => m.id))),
    ).sort();
    const now = new Date().toISOString();
    const state = await this.readState(tx, plans, moduleIds);
    const { outcomes } = this.applyAll(plans, state, now);

    const impacts = new Map(plans.map((p) => [p.change.id, p.impact]));
    const inserts: Array<typeof propagationLog.$inferInsert> = [];
    const retried: Array<{ changeId: string; outcome: DashboardOutcome }> = [];
    for (const [changeId, results] of outcomes) {
      for (const outcome of results) {
        if (outcome.previous === 'SUCCESS') continue;
        if (outcome.previous === undefined) {
          inserts.push({
            id: randomUUID(),
            syncBufferId: changeId,
            affectedDashboardId: outcome.dashboardId,
            propagationType: outcome.action,
            status: outcome.status,
            errorMessage: outcome.message,
            tokenCost: impacts.get(changeId)?.aiTokens?.[outcome.dashboardId] ?? 0,
            durationMs: Math.round(performance.now() - started),
          });
        } else {
          retried.push({ changeId, outcome });
        }
      }
    }
    await insertRows(tx, propagationLog, inserts);
    for (const { changeId, outcome } of retried) {
      const updated = affectedRows(
        await tx
          .update(propagationLog)
          .set({
            status: outcome.status,
            propagationType: outcome.action,
            errorMessage: outcome.message,
            durationMs: Math.round(performance.now() - started),
            attempts: sql`${propagationLog.attempts} + 1`,
          })
          .where(
            and(
              eq(propagationLog.syncBufferId, changeId),
              eq(propagationLog.affectedDashboardId, outcome.dashboardId),
              sql`${propagationLog.status} <> 'SUCCESS'`,
            ),
          ),
      );
      if (updated !== 1) throw new PropagationRace();
    }
    return { plans, moduleIds, state, now, outcomes };
  }

  /**
   * Locks the modules FOR UPDATE, runs the handlers over them as now committed and writes each
   * changed module once. A dashboard decided differently than in `propagate` (a module edited or
   * deleted in between) redoes the batch.
   */
  private async writeModules(tx: Executor, { plans, moduleIds, state, now, outcomes }: Propagation): Promise<void> {
    const locked = await this.readModules(tx, moduleIds, true);
    const again = this.applyAll(plans, { ...state, modules: locked }, now);
    const decisions = (all: Map<string, DashboardOutcome[]>) =>
      JSON.stringify(
        [...all].map(([id, list]) => [id, list.map((d) => [d.dashboardId, d.status, d.action, d.message])]),
      );
    if (decisions(again.outcomes) !== decisions(outcomes)) throw new PropagationRace();
    const changed = again.changed;

    const rewritten = changed.filter((m) => m.rewritten);
    if (rewritten.length > 0) {
      await tx
        .update(modules)
        .set({ configuration: caseById(modules.id, rewritten, (m) => JSON.stringify(m.configuration)) })
        .where(
          inIds(
            modules.id,
            rewritten.map((m) => m.id),
          ),
        );
    }
    // Appended on the server: the statement carries the batch's entries, not the module's history.
    const appended = changed.filter((m) => m.appended.length > 0);
    if (appended.length > 0) {
      const target = (m: WorkingModule) =>
        `'${appendedPath((handlerFor(m.moduleType) as AppendingHandler).appendsTo)}'`;
      await tx
        .update(modules)
        .set({
          configuration: caseById(
            modules.id,
            appended,
            (m) => JSON.stringify(m.appended),
            (entries, m) =>
              `JSON_SET(configuration, ${target(m)}, JSON_MERGE_PRESERVE(COALESCE(JSON_EXTRACT(configuration, ${target(m)}), JSON_ARRAY()), ${entries}))`,
          ),
        })
        .where(
          inIds(
            modules.id,
            appended.map((m) => m.id),
          ),
        );
    }
  }

  /** All modules of one dashboard receive the change, or none does (the dashboard FAILED). */
  private applyToDashboard(
    change: PropagatedChange,
    dashboard: ImpactAnalysis['dashboards'][number],
    working: Map<string, WorkingModule>,
    granted: Set<string>,
    now: string,
  ): DashboardOutcome {
    const staged = new Map<string, Record<string, unknown>>();
    const appends = new Map<string, Record<string, unknown>>();
    const actions = new Set<string>();
    const skipped: string[] = [];
    try {
      for (const target of dashboard.modules) {
        const module = working.get(target.id);
        if (!module) {
          skipped.push(target.name);
          continue;
        }
        const handler = handlerFor(module.moduleType);
        if (handler.capability && !granted.has(`${module.id}\u0000${handler.capability}`)) {
          throw new HandlerError(
            `Module "${module.name}" (${module.moduleType}) needs the ${handler.capability} capability; grant it with "Cockpit: Grant Capability…" and retry.`,
          );
        }
        const current = staged.get(module.id) ?? module.configuration;
        if (current === null || typeof current !== 'object' || Array.isArray(current)) {
          throw new HandlerError(`Module "${module.name}" has a configuration that is not a JSON object.`);
        }
        if ('appendsTo' in handler) {
          if (module.appendedType !== null && module.appendedType !== 'ARRAY') {
            throw new HandlerError(`The module's configuration.${handler.appendsTo} is not a list.`);
          }
          appends.set(module.id, handler.entry(change, now));
        } else {
          staged.set(module.id, handler.apply(current as Record<string, unknown>, change, now));
        }
        actions.add(handler.action);
      }
    } catch (error) {
      if (!(error instanceof HandlerError)) throw error;
      return {
        dashboardId: dashboard.id,
        status: 'FAILED',
        action: [...actions].join(',') || 'none',
        message: error.message,
      };
    }
    for (const [id, configuration] of staged) {
      const module = working.get(id)!;
      module.configuration = configuration;
      module.rewritten = true;
    }
    for (const [id, entry] of appends) working.get(id)!.appended.push(entry);
    const message = skipped.length > 0 ? `Skipped deleted module(s): ${skipped.join(', ')}.` : null;
    return {
      dashboardId: dashboard.id,
      status: 'SUCCESS',
      action: [...actions].join(',').slice(0, 100) || 'none',
      message,
    };
  }
}
