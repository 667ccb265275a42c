/**
 * The Bin view's host side on MariaDB: the request handlers of src/vscode/bin-view-handlers.ts
 * driven through the real dispatcher (so zod refuses what a hostile webview sends), the read
 * queries of src/core/bin/browse.ts, and the payload masking.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import {
  binFingerprint,
  BinWorker,
  grantCapability,
  payloadView,
  submitChange,
  type WorkerOptions,
} from '../../src/core/bin/index.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import { addProvider } from '../../src/core/cortex/providers.js';
import { apiConfigurations, propagationLog, syncBuffer, tokenUsage } from '../../src/db/schema/index.js';
import type { ProtocolError, RequestMethod, RequestParams, RequestResults } from '../../src/protocol.js';
import { binViewHandlers } from '../../src/vscode/bin-view-handlers.js';
import { createDispatcher } from '../../src/vscode/webview/dispatcher.js';
import { count, createHierarchy, type Hierarchy } from '../support/bin.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const actor = 'dev@example.com';
const SECRET = 'ghp_' + 'B'.repeat(36);

describe('The Bin view host (MariaDB, real dispatcher)', () => {
  let database: TestDatabase;
  let project: Hierarchy;
  let queued = 0;
  const logged: string[] = [];
  let nextId = 1;
  let dispatch: ReturnType<typeof createDispatcher>;

  before(async () => {
    database = await createTestDatabase();
    // Dashboard 0: a decision log (decision.*); 1: a file manager (file.changed, needs file_write).
    project = await createHierarchy(database.db, [
      [{ type: 'decision_log', name: 'Decisions', configuration: { entries: [], subscriptions: ['decision.*'] } }],
      [{ type: 'file_manager', name: 'Key files', configuration: { files: [], subscriptions: ['file.changed'] } }],
    ]);
    dispatch = createDispatcher(
      binViewHandlers({
        database: async () => database,
        actor: async () => actor,
        queued: () => queued++,
      }),
      { logError: (m) => logged.push(m) },
    );
  });
  after(async () => database?.drop());

  const raw = (method: string, params: unknown) => dispatch({ kind: 'request', id: nextId++, method, params });
  async function call<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResults[M]> {
    const response = await raw(method, params);
    if (!response.ok) throw new Error(`${method} failed: ${response.error.code} ${response.error.message}`);
    return response.result as RequestResults[M];
  }
  async function refused(method: string, params: unknown): Promise<ProtocolError> {
    const response = await raw(method, params);
    assert.equal(response.ok, false, `${method} should be refused`);
    return (response as { error: ProtocolError }).error;
  }
  const submit = (changeType: string, payload: unknown, sourceModuleId?: string) =>
    submitChange(database.db, { projectId: project.projectId, changeType, payload, sourceModuleId, actor });
  const drain = (options: WorkerOptions = {}) => new BinWorker(database.db, options).drain();
  const statusOf = async (id: string) =>
    (await database.db.select({ s: syncBuffer.status }).from(syncBuffer).where(eq(syncBuffer.id, id)))[0]?.s;

  it('masks credentials in a PENDING payload, keeps validation messages free of them, bounds the viewer', async () => {
    const id = await submit('decision.accepted', { title: 'Leak', rationale: `token ${SECRET}` });
    const pending = await call('bin/change', { id });
    assert.equal(pending.change.status, 'PENDING');
    assert.equal(pending.payload.masked, true);
    assert.match(pending.payload.text, /\[REDACTED GitHub token\]/);
    assert.ok(!JSON.stringify(pending).includes(SECRET), 'no secret reaches the webview before validation');

    await drain();
    const done = await call('bin/change', { id });
    assert.equal(done.change.status, 'REJECTED');
    assert.equal(done.payload.masked, false, 'the stored payload is already redacted by the secret scan');
    const scan = done.change.validationResults?.rules.find((r) => r.name === 'secret-scan');
    assert.equal(scan?.status, 'fail');
    assert.match(scan?.message ?? '', /GitHub token at \$\.rationale/);
    assert.ok(!JSON.stringify(done).includes(SECRET), 'nor after validation');

    // Rejected by hand while PENDING: no secret scan ran, so the view still masks it.
    const early = await submit('decision.accepted', { title: 'Leak', api_key: SECRET });
    await call('bin/reject', { id: early, reason: 'leaks a key' });
    const rejectedEarly = await call('bin/change', { id: early });
    assert.equal(rejectedEarly.change.status, 'REJECTED');
    assert.equal(rejectedEarly.payload.masked, true);
    assert.ok(!JSON.stringify(rejectedEarly).includes(SECRET));

    const big = payloadView({ text: 'x'.repeat(100_000) }, true, 1000);
    assert.equal(big.truncated, true);
    assert.equal(big.chars, JSON.stringify({ text: 'x'.repeat(100_000) }, null, 2).length);
    assert.ok(big.text.length <= 1002);
  });

  it('lists changes with counts and filters by status, type, source module and literal text', async () => {
    const source = project.dashboards[0]!.modules[0]!;
    const a = await submit('decision.proposed', { title: 'Use 100% TiDB' }, source);
    const b = await submit('decision.proposed', { title: 'Use 100 TiDB' });
    const all = await call('bin/changes', {});
    assert.equal(all.counts.total, 4);
    assert.equal(all.counts.byStatus.PENDING, 2);
    assert.equal(all.counts.byStatus.REJECTED, 2);
    assert.deepEqual(all.changeTypes, ['decision.accepted', 'decision.proposed']);
    assert.deepEqual(
      all.modules.map((m) => m.name),
      ['Decisions', 'Key files'],
    );
    assert.equal(all.projects[project.projectId], 'bin-test');

    const ids = async (params: RequestParams<'bin/changes'>) =>
      (await call('bin/changes', params)).changes.map((c) => c.id).sort();
    assert.deepEqual(await ids({ status: 'PENDING' }), [a, b].sort());
    assert.deepEqual(await ids({ changeType: 'decision.proposed', sourceModuleId: source }), [a]);
    // `%` is matched literally, not as a LIKE wildcard; matching ignores case.
    assert.deepEqual(await ids({ text: '100%' }), [a]);
    assert.deepEqual(await ids({ text: 'USE 100' }), [a, b].sort());
    assert.deepEqual(await ids({ text: a.slice(0, 8) }), [a]);
    await drain();
  });

  it('pages newest first without skipping or repeating a change, also when several share a creation time', async () => {
    const submitted = [];
    for (let i = 0; i < 5; i++) submitted.push(await submit('paging.test', { i }));
    // Three of them created in the same microsecond: the id breaks the tie.
    await database.db
      .update(syncBuffer)
      .set({ createdAt: '2026-01-01 00:00:00.000000' })
      .where(
        sql`${syncBuffer.id} IN (${sql.join(
          submitted.slice(1, 4).map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    const seen: string[] = [];
    let before: RequestParams<'bin/changes'>['before'];
    for (let page = 0; ; page++) {
      const view = await call('bin/changes', { changeType: 'paging.test', limit: 2, ...(before ? { before } : {}) });
      seen.push(...view.changes.map((c) => c.id));
      assert.ok(page < 3, 'three pages hold five changes');
      if (!view.more) break;
      const last = view.changes.at(-1)!;
      before = { createdAt: last.createdAt, id: last.id };
    }
    assert.equal(seen.length, 5);
    assert.deepEqual([...seen].sort(), [...submitted].sort());
    const all = (await call('bin/changes', { changeType: 'paging.test' })).changes.map((c) => c.id);
    assert.deepEqual(seen, all, 'the pages, one after another, are the whole list in its order');
    assert.equal((await call('bin/changes', { changeType: 'paging.test' })).more, false);

    const malformed = await refused('bin/changes', { before: { createdAt: "2026-01-01' OR 1=1 --", id: 'x' } });
    assert.equal(malformed.code, 'invalid');
  });

  it('shows the AI estimate before an approval and keeps it with the approval (estimation usage, token_cost)', async () => {
    const box = new SecretBox([generateMasterKey(1)]);
    const provider = await addProvider(database.db, box, actor, {
      projectId: project.projectId,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      apiKey: 'sk-ant-test-estimate-0000',
      priority: 1,
    });
    try {
      const id = await submit('decision.accepted', { title: 'Estimate me', rationale: 'because' });
      await drain({ autoPropagate: false });
      const waiting = await call('bin/change', { id });
      assert.ok(waiting.estimate, 'an enabled provider takes part');
      assert.deepEqual(
        [waiting.estimate.provider, waiting.estimate.model, waiting.estimate.dashboards],
        ['anthropic', 'claude-sonnet-4-5', 1],
      );
      assert.ok(waiting.estimate.tokens > 400 && waiting.estimate.cost !== null);
      await call('bin/approve', { id });
      await drain();
      const [usage] = await database.db
        .select()
        .from(tokenUsage)
        .where(and(eq(tokenUsage.projectId, project.projectId), eq(tokenUsage.operationType, 'estimation')));
      assert.equal(usage?.inputTokens! + usage?.outputTokens!, waiting.estimate.tokens);
      const done = await call('bin/change', { id });
      assert.equal(done.estimate, null, 'nothing waits for approval any more');
      const [log] = await database.db.select().from(propagationLog).where(eq(propagationLog.syncBufferId, id));
      assert.equal(log?.tokenCost, waiting.estimate.tokens);
    } finally {
      await database.db.delete(apiConfigurations).where(eq(apiConfigurations.id, provider.id));
    }
  });

  it('approves a change waiting for approval once, then refuses a second approval', async () => {
    const id = await submit('decision.accepted', { title: 'Ship it', rationale: 'ready' });
    await drain({ autoPropagate: false });
    const waiting = await call('bin/change', { id });
    assert.equal(waiting.change.awaitingApproval, true);
    const before = queued;
    assert.deepEqual(await call('bin/approve', { id }), { ok: true });
    assert.equal(queued, before + 1, 'the worker is kicked');
    const again = await refused('bin/approve', { id });
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /already queued/);
    await drain();
    const done = await call('bin/change', { id });
    assert.equal(done.change.status, 'PROPAGATED');
    assert.equal(done.change.approvedBy, actor);
    assert.deepEqual(
      done.change.propagation.map((p) => p.status),
      ['SUCCESS'],
    );
  });

  it('rejects only with a reason, and keeps the reason as the summary', async () => {
    const id = await submit('decision.accepted', { title: 'Maybe' });
    const noReason = await refused('bin/reject', { id, reason: '   ' });
    assert.equal(noReason.code, 'invalid');
    assert.equal(noReason.field, 'reason');
    assert.equal(await statusOf(id), 'PENDING');
    await call('bin/reject', { id, reason: 'Not now' });
    const rejected = await call('bin/change', { id });
    assert.equal(rejected.change.status, 'REJECTED');
    assert.equal(rejected.change.summary, `Rejected by ${actor}: Not now`);
    assert.equal((await refused('bin/reject', { id, reason: 'again' })).code, 'conflict');
  });

  it('retries only the failed dashboard once the capability is granted', async () => {
    const id = await submit('file.changed', { path: 'src/index.ts', event: 'changed' });
    await drain();
    const failed = await call('bin/change', { id });
    assert.equal(failed.change.status, 'VALIDATED');
    assert.equal(failed.change.propagation[0]?.status, 'FAILED');
    assert.match(failed.change.propagation[0]?.errorMessage ?? '', /file_write/);
    await grantCapability(database.db, {
      moduleId: project.dashboards[1]!.modules[0]!,
      capability: 'file_write',
      justification: 'pins files',
      actor,
    });
    assert.deepEqual(await call('bin/retry', { id }), { dashboards: 1 });
    assert.equal((await refused('bin/retry', { id })).code, 'conflict');
    await drain();
    const done = await call('bin/change', { id });
    assert.equal(done.change.status, 'PROPAGATED');
    assert.deepEqual(
      done.change.propagation.map((p) => [p.status, p.attempts]),
      [['SUCCESS', 2]],
    );
  });

  it('applies the suggested fix and resubmits; the new change passes and the violation is resolved', async () => {
    const id = await submit('decision.accepted', { title: 'Dated', decided_at: '2026-01-01 14:30:45' });
    await drain();
    const rejected = await call('bin/change', { id });
    assert.equal(rejected.change.status, 'REJECTED');
    const violation = rejected.change.violations[0]!;
    assert.equal(violation.suggestedFix, '2026-01-01T14:30:45Z');
    assert.equal(rejected.standards[violation.standardId], 'Timestamp Zulu Format');

    const { id: newId, fixed } = await call('bin/fix', { id });
    assert.equal(fixed, 1);
    assert.equal((await refused('bin/fix', { id })).code, 'conflict', 'nothing left to fix');
    await drain();
    const resubmitted = await call('bin/change', { id: newId });
    assert.equal(resubmitted.change.status, 'PROPAGATED');
    assert.match(resubmitted.payload.text, /"decided_at": "2026-01-01T14:30:45Z"/);
    assert.equal((await call('bin/change', { id })).change.violations[0]?.status, 'resolved');
  });

  it('compliance: lists violations by status, suppress removes one from the figures, twice is a conflict', async () => {
    const id = await submit('decision.accepted', { title: 'Old', decided_at: '2026-02-02 10:00:00' });
    await drain();
    const [open] = (await call('bin/compliance', { violationStatus: 'open' })).violations;
    assert.equal(open?.resourceId.startsWith(`${id}#`), true);
    assert.equal(open?.standardName, 'Timestamp Zulu Format');
    const zulu = (view: RequestResults['bin/compliance']) =>
      view.compliance.find((r) => r.standardName === 'Timestamp Zulu Format')!;
    // Before: 1 resolved (previous test) + 1 open → 50 %.
    assert.equal(zulu(await call('bin/compliance', {})).complianceRate, 50);

    const fingerprint = await binFingerprint(database.db);
    assert.equal(await binFingerprint(database.db), fingerprint, 'stable while nothing changes');
    await call('bin/violation', { id: open!.id, status: 'suppressed' });
    assert.notEqual(await binFingerprint(database.db), fingerprint, 'a suppressed violation moves the fingerprint');
    const after = await call('bin/compliance', { violationStatus: 'suppressed' });
    assert.deepEqual(
      after.violations.map((v) => v.id),
      [open!.id],
    );
    assert.equal(zulu(after).complianceRate, 100);
    const again = await refused('bin/violation', { id: open!.id, status: 'resolved' });
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /already suppressed/);
    assert.equal((await refused('bin/violation', { id: 'nope', status: 'resolved' })).code, 'not-found');
    assert.equal(after.days, 7);
    assert.ok(Array.isArray(after.highImpact));
  });

  it('creates, edits and toggles standards; a pattern re2js cannot compile is refused with the field', async () => {
    const bad = await refused('bin/saveStandard', {
      standardName: 'Backref',
      category: 'nomenclature',
      patternRegex: '(a)\\1',
    });
    assert.equal(bad.code, 'invalid');
    assert.equal(bad.field, 'patternRegex');
    assert.match(bad.message, /RE2 syntax/);
    const noCategory = await refused('bin/saveStandard', { standardName: 'X', patternRegex: 'x' });
    assert.equal(noCategory.field, 'category');

    const created = await call('bin/saveStandard', {
      standardName: 'Ticket ids',
      category: 'nomenclature',
      patternRegex: '^[A-Z]+-[0-9]+$',
      appliesTo: 'ticket',
      enforcementLevel: 'warning',
      validationMessage: null,
    });
    assert.equal(created.isActive, true);
    await call('bin/saveStandard', { id: created.id, isActive: false });
    const rules = await call('bin/rules', {});
    const stored = rules.standards.find((s) => s.id === created.id);
    assert.equal(stored?.isActive, false);
    assert.equal(stored?.appliesTo, 'ticket');
    assert.equal((await refused('bin/saveStandard', { id: 'missing', isActive: true })).code, 'not-found');
    assert.equal(
      (await refused('bin/saveStandard', { standardName: 'Ticket ids', category: 'nomenclature', patternRegex: 'x' }))
        .code,
      'conflict',
    );
  });

  it('creates, edits and toggles guardrails from JSON text; bad JSON and bad configurations are refused', async () => {
    const before = (await call('bin/rules', {})).guardrails;
    assert.deepEqual(before.map((g) => g.ruleId).sort(), [
      'max-payload-size',
      'no-destructive-command',
      'protected-paths',
      'secret-scan',
    ]);
    assert.ok(before.every((g) => g.projectName === null && g.configurationText.includes('"kind"')));

    const base = { ruleId: 'no-wip', description: 'No WIP titles', severity: 'MEDIUM' as const };
    const json = await refused('bin/saveGuardrail', { ...base, configuration: '{ "kind": ' });
    assert.equal(json.field, 'configuration');
    assert.match(json.message, /not valid JSON/);
    const pattern = await refused('bin/saveGuardrail', {
      ...base,
      configuration: JSON.stringify({ kind: 'regex_deny', path: '$.title', pattern: '(?=x)' }),
    });
    assert.equal(pattern.field, 'configuration.pattern');

    const created = await call('bin/saveGuardrail', {
      ...base,
      projectId: project.projectId,
      configuration: JSON.stringify({ kind: 'regex_deny', path: '$.title', pattern: '(?i)wip' }),
    });
    assert.equal(created.projectId, project.projectId);
    await call('bin/saveGuardrail', { id: created.id, enabled: false, severity: 'HIGH' });
    const listed = (await call('bin/rules', {})).guardrails.find((g) => g.id === created.id);
    assert.equal(listed?.enabled, false);
    assert.equal(listed?.severity, 'HIGH');
    assert.equal(listed?.projectName, 'bin-test');
    const moved = await refused('bin/saveGuardrail', { id: created.id, projectId: null });
    assert.equal(moved.field, 'projectId');
  });

  it('checks patterns live with re2js, also a catastrophic-backtracking one', async () => {
    assert.deepEqual(await call('bin/validatePattern', { pattern: '^v?\\d+$', sample: 'v12' }), {
      ok: true,
      matches: true,
    });
    const broken = await call('bin/validatePattern', { pattern: '(a)\\1', sample: '' });
    assert.equal(broken.ok, false);
    const started = performance.now();
    const evil = await call('bin/validatePattern', { pattern: '(a+)+$', sample: `${'a'.repeat(1999)}!` });
    assert.ok(performance.now() - started < 500);
    assert.deepEqual(evil, { ok: true, matches: false });
  });

  it('the fingerprint moves on submit, validation, approval, propagation and violation changes only', async () => {
    const print = () => binFingerprint(database.db);
    let last = await print();
    const moved = async (what: string) => {
      const next = await print();
      assert.notEqual(next, last, `${what} moves the fingerprint`);
      last = next;
    };
    assert.equal(await print(), last, 'stable while nothing changes');
    const id = await submit('decision.accepted', { title: 'Fingerprinted', rationale: 'x' });
    await moved('a submit');
    await drain({ autoPropagate: false });
    await moved('validation');
    await call('bin/approve', { id });
    await moved('an approval');
    await drain();
    await moved('propagation');
    const bad = await submit('decision.accepted', { title: 'Late', decided_at: '2026-03-03 10:00:00' });
    await drain();
    await moved('a rejection with a violation');
    const [violation] = (await call('bin/change', { id: bad })).change.violations;
    await call('bin/violation', { id: violation!.id, status: 'resolved' });
    await moved('a resolved violation');
  });

  it('refuses hostile and malformed requests without touching the Bin', async () => {
    const changes = await count(database.db, sql`SELECT COUNT(*) AS n FROM sync_buffer`);
    const open = await count(database.db, sql`SELECT COUNT(*) AS n FROM metadata_violations WHERE status = 'open'`);
    const [anyChange] = await database.db.select({ id: syncBuffer.id }).from(syncBuffer).limit(1);
    const cases: Array<[string, unknown, ProtocolError['code']]> = [
      ['bin/approve', { id: anyChange!.id, actor: 'someone-else' }, 'invalid'],
      ['bin/approve', { id: 'x'.repeat(37) }, 'invalid'],
      ['bin/approve', {}, 'invalid'],
      ['bin/reject', { id: anyChange!.id, reason: 'r'.repeat(2001) }, 'invalid'],
      ['bin/changes', { status: 'DELETED' }, 'invalid'],
      ['bin/changes', { limit: 1e9 }, 'invalid'],
      ['bin/violation', { id: 'x', status: 'open' }, 'invalid'],
      ['bin/saveStandard', { standardName: 'x', category: 'temporal', patternRegex: 'x', isActive: 'yes' }, 'invalid'],
      ['bin/saveGuardrail', { ruleId: 'x', configuration: { kind: 'max_size' } }, 'invalid'],
      ['bin/validatePattern', { pattern: 'a'.repeat(4001), sample: '' }, 'invalid'],
      ['bin/drop', {}, 'unknown-method'],
      ['__proto__', {}, 'unknown-method'],
    ];
    for (const [method, params, code] of cases) {
      const error = await refused(method, params);
      assert.equal(error.code, code, `${method} ${JSON.stringify(params).slice(0, 80)}: ${error.message}`);
    }
    assert.equal((await refused('bin/change', { id: 'missing' })).code, 'not-found');
    assert.equal(await count(database.db, sql`SELECT COUNT(*) AS n FROM sync_buffer`), changes);
    assert.equal(
      await count(database.db, sql`SELECT COUNT(*) AS n FROM metadata_violations WHERE status = 'open'`),
      open,
    );
    assert.deepEqual(logged, [], 'nothing unexpected reached the log');
  });
});
