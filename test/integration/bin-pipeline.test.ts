import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import {
  approveChange,
  BinWorker,
  createGuardrail,
  createStandard,
  grantCapability,
  rejectChange,
  resubmitWithFixes,
  retryChange,
  revokeCapability,
  showChange,
  submitChange,
  updateStandard,
  type ValidationResults,
} from '../../src/core/bin/index.js';
import { auditLogs, metadataStandards, propagationLog, syncBuffer } from '../../src/db/schema/index.js';
import { count, createHierarchy, moduleConfiguration, type Hierarchy } from '../support/bin.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const actor = 'dev@example.com';

describe('The Bin pipeline (MariaDB)', () => {
  let database: TestDatabase;
  let project: Hierarchy;
  const worker = (options: ConstructorParameters<typeof BinWorker>[1] = {}) => new BinWorker(database.db, options);
  const results = async (id: string) => (await showChange(database.db, id)).validationResults as ValidationResults;
  const rule = async (id: string, name: string) => (await results(id)).rules.find((r) => r.name === name);

  before(async () => {
    database = await createTestDatabase();
    // Dashboard 0: checklist + decision log; 1: file manager; 2: an unknown module type; 3, 4: decision logs.
    project = await createHierarchy(database.db, [
      [
        {
          type: 'checklist',
          configuration: { items: [{ text: 'Tests pass', done: false }], subscriptions: ['checklist.completed'] },
        },
        { type: 'decision_log', configuration: { entries: [], subscriptions: ['decision.*'] } },
      ],
      [
        {
          type: 'file_manager',
          name: 'Key files',
          configuration: { files: [], subscriptions: [{ changeType: 'file.changed', filter: { '$.path': 'src/**' } }] },
        },
      ],
      [{ type: 'notes', configuration: { subscriptions: ['decision.accepted'] } }],
      [{ type: 'decision_log', configuration: { entries: [], subscriptions: ['decision.accepted'] } }],
      [{ type: 'decision_log', configuration: { entries: [], subscriptions: ['decision.accepted'] } }],
    ]);
  });
  after(async () => database?.drop());

  const submit = (changeType: string, payload: unknown, sourceModuleId?: string) =>
    submitChange(database.db, { projectId: project.projectId, changeType, payload, sourceModuleId, actor });

  it('refuses bad input at the door with a clear error and stores nothing', async () => {
    await assert.rejects(
      submit('decision.accepted', { big: 'x'.repeat(1024 * 1024) }),
      /payload: \d+ bytes; the limit is 1048576/,
    );
    await assert.rejects(submit('not a type!', {}), /changeType: use letters/);
    await assert.rejects(
      submitChange(database.db, { projectId: 'missing', changeType: 'x.y', payload: {}, actor }),
      /Project missing does not exist/,
    );
    await assert.rejects(submit('x.y', {}, 'no-such-module'), /Module no-such-module does not exist/);
    assert.equal(await count(database.db, sql`SELECT COUNT(*) AS n FROM sync_buffer`), 0);
  });

  it('validates, analyses impact and propagates a decision to every subscribed dashboard exactly once', async () => {
    const source = project.dashboards[0]!.modules[1]!;
    const id = await submit(
      'decision.accepted',
      { title: 'Use TiDB', rationale: 'HTAP', decided_at: '2026-01-01T14:30:45Z' },
      source,
    );
    const [row] = await database.db.select({ status: syncBuffer.status }).from(syncBuffer).where(eq(syncBuffer.id, id));
    assert.equal(row?.status, 'PENDING');

    const report = await worker().drain();
    assert.equal(report.propagated, 1);
    const details = await showChange(database.db, id);
    assert.equal(details.status, 'PROPAGATED');
    assert.ok(details.validatedAt && details.propagatedAt);
    // The source module's own dashboard (0) is not affected: its decision log sent the change.
    assert.deepEqual(
      details.impactAnalysis?.dashboards.map((d) => d.id),
      [project.dashboards[2]!.id, project.dashboards[3]!.id, project.dashboards[4]!.id],
    );
    assert.equal(details.impactAnalysis?.highImpact, false);
    assert.equal(details.propagation.length, 3);
    assert.ok(details.propagation.every((p) => p.status === 'SUCCESS' && p.attempts === 1 && p.tokenCost === 0));
    // Every rule and standard is listed with its verdict.
    assert.equal(details.validationResults?.rules.length, 4 + 4);
    assert.ok(details.validationResults?.rules.every((r) => ['pass', 'warn', 'fail'].includes(r.status)));

    const log = await moduleConfiguration(database.db, project.dashboards[3]!.modules[0]!);
    assert.deepEqual(log.entries, [
      {
        title: 'Use TiDB',
        text: 'HTAP',
        changeId: id,
        changeType: 'decision.accepted',
        sourceModuleId: source,
        at: (log.entries as Array<{ at: string }>)[0]!.at,
      },
    ]);
    const inbox = (await moduleConfiguration(database.db, project.dashboards[2]!.modules[0]!)).inbox as unknown[];
    assert.equal(inbox.length, 1);
    const audits = await database.db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(and(eq(auditLogs.resourceType, 'sync_buffer'), eq(auditLogs.resourceId, id)));
    assert.deepEqual(audits.map((a) => a.action).sort(), ['bin.propagate', 'bin.submit', 'bin.validate']);
  });

  it('ticks an existing checklist item and adds a missing one', async () => {
    await submit('checklist.completed', { item: 'tests pass' });
    await submit('checklist.completed', { item: 'Docs written', done: false });
    await worker().drain();
    const checklist = await moduleConfiguration(database.db, project.dashboards[0]!.modules[0]!);
    assert.deepEqual(
      (checklist.items as Array<{ text: string; done: boolean }>).map((i) => [i.text, i.done]),
      [
        ['Tests pass', true],
        ['Docs written', false],
      ],
    );
  });

  it('marks a change high-impact beyond 3 dashboards', async () => {
    const id = await submit('decision.accepted', { title: 'Everyone hears this' });
    await worker().drain();
    const details = await showChange(database.db, id);
    assert.equal(details.impactAnalysis?.dashboardCount, 4);
    assert.equal(details.impactAnalysis?.highImpact, true);
  });

  it('REJECTS at once on a CRITICAL auto-reject guardrail and keeps no secret', async () => {
    const secret = 'ghp_' + 'A'.repeat(36);
    const id = await submit('decision.accepted', { title: 'Leak', rationale: `token ${secret}` });
    await worker().drain();
    const details = await showChange(database.db, id);
    assert.equal(details.status, 'REJECTED');
    assert.equal(details.propagation.length, 0);
    const scan = details.validationResults?.rules.find((r) => r.name === 'secret-scan');
    assert.deepEqual([scan?.status, scan?.severity], ['fail', 'CRITICAL']);
    assert.ok(!JSON.stringify(details).includes(secret), 'the stored change holds no secret');
    assert.match(JSON.stringify(details.payload), /\[REDACTED GitHub token\]/);

    const env = await submit('file.changed', { path: 'src/.env' });
    await worker().drain();
    assert.equal((await showChange(database.db, env)).status, 'REJECTED');
    assert.equal((await rule(env, 'protected-paths'))?.status, 'fail');
  });

  it('records each standard category with suggested fixes; error rejects, warning waits, info passes', async () => {
    const temporal = await submit('decision.accepted', { title: 'T', created_at: '2026-01-01 14:30:45' });
    const versioned = await submit('release.tagged', { version: '1.2' });
    const named = await submit('dashboard.renamed', { name: 'My Dashboard' });
    const file = await submit('note.saved', { path: 'docs/My Notes.MD' });
    await worker().drain();

    assert.equal((await showChange(database.db, temporal)).status, 'REJECTED');
    const zulu = await rule(temporal, 'Timestamp Zulu Format');
    assert.equal(zulu?.status, 'fail');
    assert.deepEqual(zulu?.findings, [
      { path: '$.created_at', value: '2026-01-01 14:30:45', suggestedFix: '2026-01-01T14:30:45Z' },
    ]);
    const violations = (await showChange(database.db, temporal)).violations;
    assert.deepEqual(
      violations.map((v) => [v.standardId, v.resourceType, v.resourceId, v.violationValue, v.suggestedFix, v.status]),
      [
        [
          'ts-001-zulu',
          'sync_buffer',
          `${temporal}#$.created_at`,
          '2026-01-01 14:30:45',
          '2026-01-01T14:30:45Z',
          'open',
        ],
      ],
    );

    assert.equal((await showChange(database.db, versioned)).status, 'REJECTED');
    assert.equal((await showChange(database.db, versioned)).violations[0]?.suggestedFix, '1.2.0');

    const naming = await showChange(database.db, named);
    assert.equal(naming.status, 'PROPAGATED', 'info-level standards pass with a note');
    assert.match((await rule(named, 'Kebab-case Dashboard and Module Names'))!.message, /^Note: .*fix: my-dashboard/);
    assert.equal(naming.violations[0]?.suggestedFix, 'my-dashboard');

    const files = await showChange(database.db, file);
    assert.equal(files.status, 'VALIDATED', 'a warning waits for approval');
    assert.equal(files.awaitingApproval, true);
    assert.equal(files.violations[0]?.suggestedFix, 'docs/my-notes.md');

    // Apply the suggested fix and resubmit: a new change that now passes.
    const { id: fixed, fixed: n } = await resubmitWithFixes(database.db, temporal, actor);
    assert.equal(n, 1);
    await worker().drain();
    const again = await showChange(database.db, fixed);
    assert.equal(again.status, 'PROPAGATED');
    assert.deepEqual((again.payload as { created_at: string }).created_at, '2026-01-01T14:30:45Z');
    assert.equal((await showChange(database.db, temporal)).violations[0]?.status, 'resolved');
  });

  it('runs every guardrail kind created for the project, refusing what re2js or ajv cannot use', async () => {
    const base = { projectId: project.projectId, description: 'test rule' };
    await createGuardrail(
      database.db,
      { ...base, ruleId: 'small', severity: 'LOW', configuration: { kind: 'max_size', maxBytes: 200 } },
      actor,
    );
    await createGuardrail(
      database.db,
      {
        ...base,
        ruleId: 'ticket',
        severity: 'HIGH',
        autoReject: true,
        configuration: { kind: 'regex_require', path: '$.ticket', pattern: '^[A-Z]+-[0-9]+$', changeTypes: ['task.*'] },
      },
      actor,
    );
    await createGuardrail(
      database.db,
      {
        ...base,
        ruleId: 'task-schema',
        severity: 'MEDIUM',
        configuration: {
          kind: 'json_schema',
          changeTypes: ['task.*'],
          schema: { type: 'object', required: ['ticket', 'title'] },
        },
      },
      actor,
    );
    await assert.rejects(
      createGuardrail(
        database.db,
        {
          ...base,
          ruleId: 'bad',
          severity: 'LOW',
          configuration: { kind: 'regex_deny', path: '$.a', pattern: '(?<=a)b' },
        },
        actor,
      ),
      (e: Error & { field?: string }) =>
        e.field === 'configuration.pattern' && /Patterns use RE2 syntax/.test(e.message),
    );
    await assert.rejects(
      createGuardrail(
        database.db,
        {
          ...base,
          ruleId: 'bad',
          severity: 'LOW',
          configuration: { kind: 'json_schema', schema: { type: 'object', requird: [] } },
        },
        actor,
      ),
      /configuration\.schema: not a usable JSON Schema/,
    );

    const bad = await submit('task.created', { ticket: 'nope', title: 'x' });
    const warned = await submit('task.created', { ticket: 'COCK-1', notes: 'x'.repeat(300) });
    const destructive = await submit('shell.ran', { command: 'rm -rf /' });
    await worker().drain();
    assert.equal((await showChange(database.db, bad)).status, 'REJECTED');
    assert.equal((await rule(bad, 'ticket'))?.status, 'fail');
    const w = await showChange(database.db, warned);
    assert.equal(w.status, 'VALIDATED');
    assert.deepEqual(
      [(await rule(warned, 'small'))?.status, (await rule(warned, 'task-schema'))?.status],
      ['warn', 'warn'],
    );
    assert.match((await rule(warned, 'task-schema'))!.message, /required property 'title'/);
    assert.equal((await rule(destructive, 'no-destructive-command'))?.status, 'warn');
    assert.equal((await rule(destructive, 'ticket'))?.message, 'Not applicable to this change type.');

    // Approve one waiting change, reject the other.
    await approveChange(database.db, warned, actor);
    await assert.rejects(approveChange(database.db, warned, actor), /already queued/);
    await rejectChange(database.db, destructive, actor, 'Never delete the root.');
    await worker().drain();
    assert.equal((await showChange(database.db, warned)).status, 'PROPAGATED');
    assert.equal((await showChange(database.db, warned)).approvedBy, actor);
    const rejected = await showChange(database.db, destructive);
    assert.equal(rejected.status, 'REJECTED');
    assert.match(rejected.summary ?? '', /Rejected by dev@example.com: Never delete the root\./);
  });

  it('a catastrophic-backtracking standard finishes in milliseconds in the worker', async () => {
    const standard = await createStandard(
      database.db,
      {
        standardName: 'Backtracking trap',
        category: 'nomenclature',
        patternRegex: '(a+)+$',
        enforcementLevel: 'info',
        appliesTo: 'trap',
      },
      actor,
    );
    await assert.rejects(
      createStandard(database.db, { standardName: 'Lookahead', category: 'temporal', patternRegex: '^(?=\\d)' }, actor),
      (e: Error & { field?: string }) => e.field === 'patternRegex' && /cannot be used/.test(e.message),
    );
    await assert.rejects(updateStandard(database.db, standard.id, { patternRegex: '(x)\\1' }, actor), /patternRegex/);
    const id = await submit('trap.sprung', { trap: `${'a'.repeat(50_000)}!` });
    const started = performance.now();
    await worker().drain();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `worker took ${elapsed.toFixed(0)} ms`);
    assert.equal((await rule(id, 'Backtracking trap'))?.status, 'pass');
    await database.db.update(metadataStandards).set({ isActive: false }).where(eq(metadataStandards.id, standard.id));
  });

  it('fails a dashboard whose module lacks a capability, and a retry after the grant re-runs only it', async () => {
    const fileManager = project.dashboards[1]!.modules[0]!;
    const id = await submit('file.changed', { path: 'src/core/bin/worker.ts', title: 'touched' });
    // Also reaches the decision logs (decision.*)? No: file.changed reaches only the file manager.
    await worker().drain();
    let details = await showChange(database.db, id);
    assert.equal(details.status, 'VALIDATED');
    assert.equal(details.awaitingApproval, false);
    assert.deepEqual(
      details.propagation.map((p) => [p.status, p.attempts]),
      [['FAILED', 1]],
    );
    assert.match(
      details.propagation[0]!.errorMessage!,
      /Module "Key files" \(file_manager\) needs the file_write capability/,
    );

    await assert.rejects(
      grantCapability(database.db, { moduleId: fileManager, capability: 'file_write', justification: ' ', actor }),
      /justification/,
    );
    await assert.rejects(
      grantCapability(database.db, { moduleId: fileManager, capability: 'root', justification: 'why not', actor }),
      /capability: "root"/,
    );
    await grantCapability(database.db, {
      moduleId: fileManager,
      capability: 'file_write',
      justification: 'Pins files the team edits.',
      actor,
    });
    assert.deepEqual(await retryChange(database.db, id, actor), { dashboards: 1 });
    await worker().drain();
    details = await showChange(database.db, id);
    assert.equal(details.status, 'PROPAGATED');
    assert.deepEqual(
      details.propagation.map((p) => [p.status, p.attempts, p.errorMessage]),
      [['SUCCESS', 2, null]],
    );
    const files = (await moduleConfiguration(database.db, fileManager)).files as Array<{
      path: string;
      pinned: boolean;
    }>;
    assert.deepEqual(
      files.map((f) => [f.path, f.pinned]),
      [['src/core/bin/worker.ts', true]],
    );
    await assert.rejects(retryChange(database.db, id, actor), /no failed propagation/);

    await revokeCapability(database.db, { moduleId: fileManager, capability: 'file_write', actor });
    await assert.rejects(
      revokeCapability(database.db, { moduleId: fileManager, capability: 'file_write', actor }),
      /does not hold/,
    );
    const grants = await database.db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.resourceType, 'module'),
          eq(auditLogs.resourceId, fileManager),
          eq(auditLogs.status, 'success'),
        ),
      );
    assert.deepEqual(grants.map((g) => g.action).sort(), ['capability.grant', 'capability.revoke']);
  });

  it('with auto-propagation off, clean changes wait for approval too', async () => {
    const id = await submit('decision.accepted', { title: 'Manual' });
    await worker({ autoPropagate: false }).drain();
    const details = await showChange(database.db, id);
    assert.deepEqual(
      [details.status, details.awaitingApproval, details.validationResults?.requiresApproval],
      ['VALIDATED', true, true],
    );
    await approveChange(database.db, id, actor);
    await worker({ autoPropagate: false }).drain();
    assert.equal((await showChange(database.db, id)).status, 'PROPAGATED');
  });

  it('reclaims an expired lease and gives up on a change that keeps failing', async () => {
    const stuck = await submit('decision.accepted', { title: 'Stuck' });
    // A worker claimed it and died: its lease ran out.
    await database.db
      .update(syncBuffer)
      .set({ leaseOwner: 'dead-worker', leaseExpiresAt: sql`DATE_SUB(NOW(6), INTERVAL 1 SECOND)`, attempts: 1 })
      .where(eq(syncBuffer.id, stuck));
    const poison = await submit('decision.accepted', { title: 'Poison' });
    await database.db.update(syncBuffer).set({ attempts: 5 }).where(eq(syncBuffer.id, poison));
    await worker({ maxAttempts: 5 }).drain();
    assert.equal((await showChange(database.db, stuck)).status, 'PROPAGATED');
    const given = await showChange(database.db, poison);
    assert.equal(given.status, 'REJECTED');
    assert.match(given.summary ?? '', /gave up after 5 attempts/);
    assert.equal(
      await count(database.db, sql`SELECT COUNT(*) AS n FROM propagation_log WHERE sync_buffer_id = ${poison}`),
      0,
    );
  });

  it('appends decision-log entries on the server, keeping the rest of the configuration', async () => {
    const logs = await createHierarchy(
      database.db,
      [
        [
          {
            type: 'decision_log',
            configuration: { owner: 'team', entries: [{ title: 'Earlier' }], subscriptions: ['appended.*'] },
          },
        ],
        [{ type: 'decision_log', configuration: { subscriptions: ['appended.*'] } }],
        [{ type: 'decision_log', configuration: { entries: 'not a list', subscriptions: ['appended.*'] } }],
      ],
      'appending',
    );
    const ids: string[] = [];
    for (const title of ['First', 'Second']) {
      ids.push(
        await submitChange(database.db, {
          projectId: logs.projectId,
          changeType: 'appended.decision',
          payload: { title },
          actor,
        }),
      );
    }
    await worker({ batchSize: 10 }).drain();
    const titles = async (dashboard: number) =>
      (
        (await moduleConfiguration(database.db, logs.dashboards[dashboard]!.modules[0]!)).entries as Array<{
          title: string;
        }>
      ).map((e) => e.title);
    assert.deepEqual(await titles(0), ['Earlier', 'First', 'Second']);
    const kept = await moduleConfiguration(database.db, logs.dashboards[0]!.modules[0]!);
    assert.deepEqual([kept.owner, kept.subscriptions], ['team', ['appended.*']]);
    assert.deepEqual(await titles(1), ['First', 'Second']);
    assert.equal((await moduleConfiguration(database.db, logs.dashboards[2]!.modules[0]!)).entries, 'not a list');
    const details = await showChange(database.db, ids[0]!);
    assert.deepEqual(
      details.propagation.map((p) => [p.dashboardId, p.status, p.errorMessage]),
      [
        [logs.dashboards[0]!.id, 'SUCCESS', null],
        [logs.dashboards[1]!.id, 'SUCCESS', null],
        [logs.dashboards[2]!.id, 'FAILED', "The module's configuration.entries is not a list."],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('stores passing rules compactly and shows every rule in full', async () => {
    const id = await submit('decision.accepted', { title: 'Compact', decided_at: '2026-01-01 14:30:45' });
    await worker().drain();
    const [row] = await database.db
      .select({ stored: syncBuffer.validationResults })
      .from(syncBuffer)
      .where(eq(syncBuffer.id, id));
    const stored = (typeof row?.stored === 'string' ? JSON.parse(row.stored) : row?.stored) as { rules: unknown[] };
    const shown = (await results(id)).rules;
    assert.equal(shown.length, stored.rules.length);
    // Passes without findings are tuples; the temporal standard's finding keeps its object.
    assert.ok(stored.rules.some((r) => Array.isArray(r)));
    assert.ok(stored.rules.some((r) => !Array.isArray(r) && (r as { findings?: unknown }).findings));
    assert.ok(shown.every((r) => typeof r.name === 'string' && ['pass', 'warn', 'fail'].includes(r.status)));
    const scan = shown.find((r) => r.name === 'secret-scan');
    assert.deepEqual(
      [scan?.type, scan?.kind, scan?.severity, scan?.status, scan?.message],
      ['guardrail', 'secret_scan', 'CRITICAL', 'pass', 'No credentials found.'],
    );
  });

  it('never writes two propagation rows for one (change, dashboard)', async () => {
    const [dup] = await database.db.select().from(propagationLog).limit(1);
    await assert.rejects(
      database.db.insert(propagationLog).values({ ...dup!, id: 'another-id' }),
      (e: Error & { cause?: { code?: string } }) => (e.cause?.code ?? (e as { code?: string }).code) === 'ER_DUP_ENTRY',
    );
  });
});
