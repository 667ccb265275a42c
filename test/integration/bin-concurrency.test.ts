import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { BinWorker, submitChanges, type SubmitChangeInput } from '../../src/core/bin/index.js';
import { connect, type Database } from '../../src/db/connection.js';
import { count, createHierarchy, moduleConfiguration, type Hierarchy } from '../support/bin.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const actor = 'dev@example.com';

async function assertExactlyOnce(database: TestDatabase, project: Hierarchy, changes: number, perChange: number) {
  const db = database.db;
  assert.equal(
    await count(
      db,
      sql`SELECT COUNT(*) AS n FROM sync_buffer WHERE project_id = ${project.projectId} AND status = 'PROPAGATED'`,
    ),
    changes,
  );
  assert.equal(
    await count(
      db,
      sql`SELECT COUNT(*) AS n FROM propagation_log pl JOIN sync_buffer sb ON sb.id = pl.sync_buffer_id
          WHERE sb.project_id = ${project.projectId} AND pl.status = 'SUCCESS' AND pl.attempts = 1`,
    ),
    changes * perChange,
  );
  // Each change validated once and propagated once (a rolled-back batch leaves no audit row).
  for (const action of ['bin.validate', 'bin.propagate']) {
    assert.equal(
      await count(
        db,
        sql`SELECT COUNT(*) AS n FROM audit_logs a JOIN sync_buffer sb ON sb.id = a.resource_id
            WHERE sb.project_id = ${project.projectId} AND a.action = ${action}`,
      ),
      changes,
      action,
    );
  }
  // Each dashboard received each of its changes exactly once.
  let entries = 0;
  for (const dashboard of project.dashboards) {
    const log = (await moduleConfiguration(db, dashboard.modules[0]!)).entries as Array<{ changeId: string }>;
    assert.equal(new Set(log.map((e) => e.changeId)).size, log.length, 'no duplicate entry');
    entries += log.length;
  }
  assert.equal(entries, changes * perChange);
}

describe('The Bin under concurrency and crashes (MariaDB)', () => {
  let database: TestDatabase;
  const others: Database[] = [];
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(others.map((o) => o.close()));
    await database?.drop();
  });

  const changes = (project: Hierarchy, n: number, payload: (i: number) => unknown): SubmitChangeInput[] =>
    Array.from({ length: n }, (_, i) => ({
      projectId: project.projectId,
      changeType: 'decision.accepted',
      payload: payload(i),
      actor,
    }));

  it('two workers racing on 1 000 changes process each once and propagate each dashboard once', async () => {
    // 10 dashboards; change i reaches the 5 whose parity matches i's.
    const project = await createHierarchy(
      database.db,
      Array.from({ length: 10 }, (_, d) => [
        {
          type: 'decision_log',
          configuration: { entries: [], subscriptions: [{ changeType: 'decision.*', filter: { '$.group': d % 2 } }] },
        },
      ]),
      'race',
    );
    const inputs = changes(project, 1000, (i) => ({ title: `Decision ${i}`, group: i % 2 }));
    for (let i = 0; i < inputs.length; i += 250) await submitChanges(database.db, inputs.slice(i, i + 250));

    const second = await connect(database.config);
    others.push(second);
    const [a, b] = await Promise.all([
      new BinWorker(database.db, { workerId: 'worker-a', batchSize: 50 }).drain(),
      new BinWorker(second.db, { workerId: 'worker-b', batchSize: 50 }).drain(),
    ]);
    assert.equal(a.validated + b.validated, 1000);
    assert.ok(a.claimed > 0 && b.claimed > 0, `both workers worked (a ${a.claimed}, b ${b.claimed})`);
    assert.equal(a.dashboardsSucceeded + b.dashboardsSucceeded, 5000);
    await assertExactlyOnce(database, project, 1000, 5);
  });

  it('a worker killed mid-propagation loses its lease and the rest finishes without duplicates', async () => {
    const project = await createHierarchy(
      database.db,
      Array.from({ length: 4 }, () => [
        { type: 'decision_log', configuration: { entries: [], subscriptions: ['decision.accepted'] } },
      ]),
      'crash',
    );
    await submitChanges(
      database.db,
      changes(project, 200, (i) => ({ title: `Decision ${i}` })),
    );

    const leaseMs = 4000;
    const child = fork(
      path.join(__dirname, '../support/bin-worker-child.ts'),
      [database.config.database, String(leaseMs), '3'],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const stalled = await new Promise<string[]>((resolve, reject) => {
      child.on('message', (m: { stalled?: string[]; done?: boolean }) =>
        m.stalled ? resolve(m.stalled) : reject(new Error('the child finished')),
      );
      child.on('exit', (code) => reject(new Error(`the child exited with ${code}`)));
    });
    assert.equal(stalled.length, 20);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // Its two committed batches stay; the killed one rolled back and is still leased, so a
    // live worker leaves it alone.
    const inStalled = sql.join(
      stalled.map((id) => sql`${id}`),
      sql`, `,
    );
    const stalledPending = sql`SELECT COUNT(*) AS n FROM sync_buffer WHERE id IN (${inStalled}) AND status = 'PENDING' AND lease_owner LIKE 'doomed-worker:%'`;
    assert.equal(await count(database.db, stalledPending), 20);
    assert.equal(
      await count(database.db, sql`SELECT COUNT(*) AS n FROM propagation_log WHERE sync_buffer_id IN (${inStalled})`),
      0,
    );
    const survivor = new BinWorker(database.db, { workerId: 'survivor', batchSize: 20, leaseMs });
    const first = await survivor.runOnce();
    assert.equal(first.propagated, 20);
    assert.equal(await count(database.db, stalledPending), 20, 'a live lease is respected');

    // Once the lease has expired the survivor reclaims the batch and finishes everything.
    await new Promise((resolve) => setTimeout(resolve, leaseMs + 200));
    const rest = await survivor.drain();
    assert.equal(first.propagated + rest.propagated, 200 - 40);
    assert.equal(
      await count(
        database.db,
        sql`SELECT COUNT(*) AS n FROM audit_logs WHERE action = 'bin.validate' AND resource_id IN (${inStalled})
            AND JSON_UNQUOTE(JSON_EXTRACT(metadata, '$.worker')) = 'survivor'`,
      ),
      20,
    );
    await assertExactlyOnce(database, project, 200, 4);
    // The reclaimed changes were claimed twice (once by the dead worker) and still propagated once.
    const owners = await count(database.db, sql`SELECT COUNT(*) AS n FROM sync_buffer WHERE lease_owner IS NOT NULL`);
    assert.equal(owners, 0);
  });
});
