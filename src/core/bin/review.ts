import { and, asc, desc, eq, inArray, like, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { metadataViolations, projects, propagationLog, syncBuffer } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { CockpitError, notFound } from '../errors.js';
import { trailOf, withValueAt } from './json-path.js';
import { asJson } from './input.js';
import type { ImpactAnalysis } from './impact.js';
import { submitChange } from './submit.js';
import { readResults, storedResults, type ValidationResults } from './validation.js';

export type ChangeStatus = 'PENDING' | 'VALIDATED' | 'REJECTED' | 'PROPAGATED';

export interface ChangeSummary {
  id: string;
  projectId: string;
  changeType: string;
  sourceModuleId: string | null;
  status: ChangeStatus;
  /** VALIDATED and waiting for approval (not yet due for propagation, nothing failed). */
  awaitingApproval: boolean;
  propagationDue: boolean;
  summary: string | null;
  dashboards: number;
  highImpact: boolean;
  createdAt: string;
  validatedAt: string | null;
  propagatedAt: string | null;
}

export interface PropagationRow {
  dashboardId: string;
  propagationType: string;
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED';
  errorMessage: string | null;
  tokenCost: number | null;
  durationMs: number | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface ViolationRow {
  id: string;
  standardId: string;
  resourceType: string;
  resourceId: string;
  violationValue: string | null;
  suggestedFix: string | null;
  status: 'open' | 'resolved' | 'suppressed';
  detectedAt: string;
}

export interface ChangeDetails extends ChangeSummary {
  payload: unknown;
  validationResults: ValidationResults | null;
  impactAnalysis: ImpactAnalysis | null;
  approvedBy: string | null;
  approvedAt: string | null;
  propagation: PropagationRow[];
  violations: ViolationRow[];
}

const summaryColumns = {
  id: syncBuffer.id,
  projectId: syncBuffer.projectId,
  changeType: syncBuffer.changeType,
  sourceModuleId: syncBuffer.sourceModuleId,
  status: syncBuffer.status,
  propagationDue: syncBuffer.propagationDue,
  validationResults: syncBuffer.validationResults,
  impactAnalysis: syncBuffer.impactAnalysis,
  createdAt: syncBuffer.createdAt,
  validatedAt: syncBuffer.validatedAt,
  propagatedAt: syncBuffer.propagatedAt,
};

function toSummary(
  row: {
    [K in keyof typeof summaryColumns]: unknown;
  },
  failedDashboards = 0,
): ChangeSummary {
  const results = asJson<ValidationResults | null>(row.validationResults);
  const impact = asJson<ImpactAnalysis | null>(row.impactAnalysis);
  const status = row.status as ChangeStatus;
  return {
    id: row.id as string,
    projectId: row.projectId as string,
    changeType: row.changeType as string,
    sourceModuleId: row.sourceModuleId as string | null,
    status,
    awaitingApproval: status === 'VALIDATED' && !row.propagationDue && failedDashboards === 0,
    propagationDue: Boolean(row.propagationDue),
    summary: results?.review
      ? `Rejected by ${results.review.by}: ${results.review.reason}`
      : (results?.summary ?? null),
    dashboards: impact?.dashboardCount ?? 0,
    highImpact: impact?.highImpact ?? false,
    createdAt: row.createdAt as string,
    validatedAt: row.validatedAt as string | null,
    propagatedAt: row.propagatedAt as string | null,
  };
}

async function failedDashboardCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: propagationLog.syncBufferId, failed: sql<number>`COUNT(*)` })
    .from(propagationLog)
    .where(and(inArray(propagationLog.syncBufferId, ids), eq(propagationLog.status, 'FAILED')))
    .groupBy(propagationLog.syncBufferId);
  return new Map(rows.map((r) => [r.id, Number(r.failed)]));
}

export interface ListChangesOptions {
  projectId?: string;
  status?: ChangeStatus;
  changeType?: string;
  sourceModuleId?: string;
  /** Case-insensitive substring of the change's id, type or payload JSON (the Bin view's filter). */
  text?: string;
  /** Keyset paging: only changes older than this one (same order as the list: created_at, then id). */
  before?: ChangeCursor;
  limit?: number;
}

/** Where a page of the newest-first list ends. */
export interface ChangeCursor {
  createdAt: string;
  id: string;
}

/** LIKE pattern for a literal substring: `%`, `_` and `\\` in the text match themselves. */
export const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

function textMatches(text: string) {
  const pattern = likeContaining(text.toLowerCase());
  // CAST: TiDB's JSON type has no collation for LIKE; MariaDB's JSON is text already.
  return sql`(${syncBuffer.id} LIKE ${pattern} OR LOWER(${syncBuffer.changeType}) LIKE ${pattern} OR LOWER(CAST(${syncBuffer.payload} AS CHAR)) LIKE ${pattern})`;
}

/** Newest first, for the Bin view and the approve/reject/retry pickers. */
export async function listChanges(db: Db, options: ListChangesOptions = {}): Promise<ChangeSummary[]> {
  const conditions = [
    options.projectId ? eq(syncBuffer.projectId, options.projectId) : undefined,
    options.status ? eq(syncBuffer.status, options.status) : undefined,
    options.changeType ? eq(syncBuffer.changeType, options.changeType) : undefined,
    options.sourceModuleId ? eq(syncBuffer.sourceModuleId, options.sourceModuleId) : undefined,
    options.text?.trim() ? textMatches(options.text.trim()) : undefined,
    options.before
      ? or(
          lt(syncBuffer.createdAt, options.before.createdAt),
          and(eq(syncBuffer.createdAt, options.before.createdAt), lt(syncBuffer.id, options.before.id)),
        )
      : undefined,
  ].filter(Boolean);
  const rows = await db
    .select(summaryColumns)
    .from(syncBuffer)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(syncBuffer.createdAt), desc(syncBuffer.id))
    .limit(Math.max(1, Math.min(options.limit ?? 100, 1000)));
  const failed = await failedDashboardCounts(
    db,
    rows.filter((r) => r.status === 'VALIDATED').map((r) => r.id),
  );
  return rows.map((r) => toSummary(r, failed.get(r.id) ?? 0));
}

/** Everything `cockpit bin show` and the payload viewer need. */
export async function showChange(db: Db, id: string): Promise<ChangeDetails> {
  const [row] = await db
    .select({
      ...summaryColumns,
      payload: syncBuffer.payload,
      approvedBy: syncBuffer.approvedBy,
      approvedAt: syncBuffer.approvedAt,
    })
    .from(syncBuffer)
    .where(eq(syncBuffer.id, id));
  if (!row) throw notFound('Change', id);
  const propagation = await db
    .select({
      dashboardId: propagationLog.affectedDashboardId,
      propagationType: propagationLog.propagationType,
      status: propagationLog.status,
      errorMessage: propagationLog.errorMessage,
      tokenCost: propagationLog.tokenCost,
      durationMs: propagationLog.durationMs,
      attempts: propagationLog.attempts,
      createdAt: propagationLog.createdAt,
      updatedAt: propagationLog.updatedAt,
    })
    .from(propagationLog)
    .where(eq(propagationLog.syncBufferId, id))
    .orderBy(asc(propagationLog.createdAt), asc(propagationLog.affectedDashboardId));
  const violations = await changeViolations(db, id);
  const failed = propagation.filter((p) => p.status === 'FAILED').length;
  return {
    ...toSummary(row, failed),
    payload: asJson(row.payload),
    validationResults: readResults(asJson(row.validationResults)),
    impactAnalysis: asJson(row.impactAnalysis),
    approvedBy: row.approvedBy,
    approvedAt: row.approvedAt,
    propagation,
    violations,
  };
}

/** Violations recorded for a change's payload (resource ids `<change id>#<json path>`). */
export async function changeViolations(db: Db, changeId: string): Promise<ViolationRow[]> {
  return db
    .select({
      id: metadataViolations.id,
      standardId: metadataViolations.standardId,
      resourceType: metadataViolations.resourceType,
      resourceId: metadataViolations.resourceId,
      violationValue: metadataViolations.violationValue,
      suggestedFix: metadataViolations.suggestedFix,
      status: metadataViolations.status,
      detectedAt: metadataViolations.detectedAt,
    })
    .from(metadataViolations)
    .where(
      and(
        eq(metadataViolations.resourceType, 'sync_buffer'),
        like(metadataViolations.resourceId, `${changeId.replace(/[\\%_]/g, '\\$&')}#%`),
      ),
    )
    .orderBy(asc(metadataViolations.resourceId));
}

const affected = (result: unknown) =>
  Number(((Array.isArray(result) ? result[0] : result) as { affectedRows?: number }).affectedRows ?? 0);

async function currentStatus(db: Db, id: string) {
  const [row] = await db
    .select({ status: syncBuffer.status, due: syncBuffer.propagationDue })
    .from(syncBuffer)
    .where(eq(syncBuffer.id, id));
  if (!row) throw notFound('Change', id);
  return row;
}

/** Approves a VALIDATED change that waits for approval: the worker then propagates it. */
export async function approveChange(db: Db, id: string, actor: string): Promise<void> {
  await audited(
    db,
    { userId: actor, action: 'bin.approve', resourceType: 'sync_buffer', resourceId: id },
    async (tx) => {
      const result = await tx
        .update(syncBuffer)
        .set({ propagationDue: true, approvedBy: actor, approvedAt: sql`NOW(6)` })
        .where(and(eq(syncBuffer.id, id), eq(syncBuffer.status, 'VALIDATED'), eq(syncBuffer.propagationDue, false)));
      if (affected(result) === 1) return;
      const row = await currentStatus(db, id);
      throw new CockpitError(
        'conflict',
        row.due
          ? `Change ${id} is already queued for propagation.`
          : `Change ${id} is ${row.status}; only VALIDATED changes can be approved.`,
      );
    },
  );
}

/** Rejects a PENDING or VALIDATED change no worker holds; the reason is kept in its validation results. */
export async function rejectChange(db: Db, id: string, actor: string, reason: string): Promise<void> {
  const why = reason.trim().slice(0, 2000);
  if (!why) throw new CockpitError('invalid', 'reason: say why the change is rejected.', 'reason');
  await audited(
    db,
    { userId: actor, action: 'bin.reject', resourceType: 'sync_buffer', resourceId: id, metadata: { reason: why } },
    async (tx) => {
      const [row] = await tx
        .select({ status: syncBuffer.status, results: syncBuffer.validationResults })
        .from(syncBuffer)
        .where(eq(syncBuffer.id, id))
        .for('update');
      if (!row) throw notFound('Change', id);
      const previous = readResults(asJson(row.results));
      const results: ValidationResults = {
        outcome: 'rejected',
        requiresApproval: false,
        summary: previous?.summary ?? 'Rejected before validation.',
        rules: previous?.rules ?? [],
        review: { by: actor, at: new Date().toISOString(), decision: 'rejected', reason: why },
      };
      const result = await tx
        .update(syncBuffer)
        .set({ status: 'REJECTED', propagationDue: false, validationResults: storedResults(results) })
        .where(
          and(
            eq(syncBuffer.id, id),
            inArray(syncBuffer.status, ['PENDING', 'VALIDATED']),
            sql`(${syncBuffer.leaseExpiresAt} IS NULL OR ${syncBuffer.leaseExpiresAt} < NOW(6))`,
          ),
        );
      if (affected(result) !== 1) {
        throw new CockpitError(
          'conflict',
          row.status === 'PENDING' || row.status === 'VALIDATED'
            ? `Change ${id} is being processed by a worker right now; try again in a moment.`
            : `Change ${id} is already ${row.status}.`,
        );
      }
    },
  );
}

/** Queues the FAILED dashboards of a change again; succeeded ones are never re-run. */
export async function retryChange(db: Db, id: string, actor: string): Promise<{ dashboards: number }> {
  return audited(
    db,
    { userId: actor, action: 'bin.retry', resourceType: 'sync_buffer', resourceId: id },
    async (tx) => {
      const [failed] = await tx
        .select({ count: sql<number>`COUNT(*)` })
        .from(propagationLog)
        .where(and(eq(propagationLog.syncBufferId, id), eq(propagationLog.status, 'FAILED')));
      const dashboards = Number(failed?.count ?? 0);
      const result =
        dashboards === 0
          ? undefined
          : await tx
              .update(syncBuffer)
              .set({ propagationDue: true })
              .where(
                and(eq(syncBuffer.id, id), eq(syncBuffer.status, 'VALIDATED'), eq(syncBuffer.propagationDue, false)),
              );
      if (result !== undefined && affected(result) === 1) return { dashboards };
      const row = await currentStatus(db, id);
      throw new CockpitError(
        'conflict',
        dashboards === 0
          ? `Change ${id} has no failed propagation to retry (it is ${row.status}).`
          : `Change ${id} is already queued for propagation.`,
      );
    },
    (r) => ({ metadata: { dashboards: r.dashboards } }),
  );
}

/**
 * "Apply suggested fix and resubmit": a new change with every suggested fix of the old one's open
 * violations applied to its payload; those violations are resolved. Returns the new change id.
 */
export async function resubmitWithFixes(db: Db, id: string, actor: string): Promise<{ id: string; fixed: number }> {
  const details = await showChange(db, id);
  const fixes = details.violations.filter((v) => v.status === 'open' && v.suggestedFix !== null);
  if (fixes.length === 0)
    throw new CockpitError('conflict', `Change ${id} has no open violation with a suggested fix.`);
  let payload = details.payload;
  for (const v of fixes) payload = withValueAt(payload, trailOf(v.resourceId.slice(id.length + 1)), v.suggestedFix);
  const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, details.projectId));
  if (!project) throw notFound('Project', details.projectId);
  const newId = await submitChange(db, {
    projectId: details.projectId,
    changeType: details.changeType,
    sourceModuleId: details.sourceModuleId,
    payload,
    actor,
  });
  await audited(
    db,
    {
      userId: actor,
      action: 'violation.resolve',
      resourceType: 'sync_buffer',
      resourceId: id,
      metadata: { resubmittedAs: newId, violations: fixes.map((f) => f.id) },
    },
    (tx) =>
      tx
        .update(metadataViolations)
        .set({ status: 'resolved', resolvedAt: sql`NOW(6)`, resolvedBy: actor.slice(0, 36) })
        .where(
          and(
            inArray(
              metadataViolations.id,
              fixes.map((f) => f.id),
            ),
            eq(metadataViolations.status, 'open'),
          ),
        ),
  );
  return { id: newId, fixed: fixes.length };
}
