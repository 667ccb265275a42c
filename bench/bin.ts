/**
 * The Bin end to end: 10 000 changes, 20 standards, 10 guardrails, 50 dashboards, each change
 * affecting 5, two worker processes. Prints changes/s (first submit → last PROPAGATED), p50/p99
 * submit→PROPAGATED latency, and the raw cost of bulk-inserting the same propagation_log rows.
 * Last line: key=value pairs. Database: COCKPIT_BENCH_DATABASE_URL's server (default the local
 * MariaDB); a scratch database is created and dropped.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import {
  createGuardrail,
  createStandard,
  grantCapability,
  submitChanges,
  type SubmitChangeInput,
} from '../src/core/bin/index.js';
import { connect, parseDatabaseUrl, type Database } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { dashboards, modules, profiles, projects } from '../src/db/schema/index.js';
import type { StatementTotals } from './statement-times.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 10_000);
const DASHBOARDS = 50;
const GROUPS = 10; // dashboard d subscribes to group d % 10: 5 dashboards per change
const WORKERS = 2;
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SUBMIT_BATCH = 200;
const actor = 'bench@example.com';

const server = (process.env.COCKPIT_BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/[^/]*$/, '/');
const url = `${server}cockpit_bench_bin_${process.pid}`;

async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const [result] = (await database.db.execute(query)) as unknown as [T[]];
  return result;
}

export async function setUp(database: Database) {
  const db = database.db;
  await db.insert(projects).values({ id: 'bench-project', name: 'bench', ownerUserId: actor });
  await db.insert(profiles).values({ id: 'bench-profile', projectId: 'bench-project', name: 'Builder' });
  const moduleIds: string[] = [];
  for (let d = 0; d < DASHBOARDS; d++) {
    const id = `bench-dashboard-${d}`;
    await db
      .insert(dashboards)
      .values({ id, profileId: 'bench-profile', name: `Dashboard ${d}`, layout: {}, position: d });
    const type = ['checklist', 'file_manager', 'decision_log'][d % 3]!;
    const configuration = {
      checklist: { items: [{ text: 'Tests pass', done: false }] },
      file_manager: { files: [] },
      decision_log: { entries: [] },
    }[type];
    const subscriptions = [{ changeType: 'bench.*', filter: { '$.group': d % GROUPS } }];
    moduleIds.push(`bench-module-${d}`);
    await db.insert(modules).values({
      id: `bench-module-${d}`,
      dashboardId: id,
      moduleType: type,
      name: `${type} ${d}`,
      configuration: { ...configuration, subscriptions },
      position: 0,
    });
    if (type === 'file_manager') {
      await grantCapability(db, {
        moduleId: `bench-module-${d}`,
        capability: 'file_write',
        justification: 'benchmark',
        actor,
      });
    }
  }
  // 4 seeded standards + 16 more = 20; 4 system guardrails + 6 project ones = 10.
  const categories = ['temporal', 'nomenclature', 'versioning'] as const;
  const patterns = {
    temporal: String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$`,
    nomenclature: String.raw`^[a-z0-9]+(-[a-z0-9]+)*$`,
    versioning: String.raw`^\d+\.\d+\.\d+$`,
  };
  for (let i = 0; i < 16; i++) {
    const category = categories[i % 3]!;
    // Nomenclature ones check names only: the payload's file path is the seeded file-name standard's.
    const appliesTo = category === 'nomenclature' ? 'name,*_name' : null;
    await createStandard(
      db,
      {
        standardName: `Bench standard ${i}`,
        category,
        patternRegex: patterns[category],
        enforcementLevel: 'info',
        appliesTo,
      },
      actor,
    );
  }
  const base = { projectId: 'bench-project', description: 'bench rule', severity: 'MEDIUM' as const };
  await createGuardrail(db, { ...base, ruleId: 'size', configuration: { kind: 'max_size', maxBytes: 8192 } }, actor);
  await createGuardrail(
    db,
    {
      ...base,
      ruleId: 'schema',
      configuration: {
        kind: 'json_schema',
        changeTypes: ['bench.*'],
        schema: { type: 'object', required: ['title', 'group'], properties: { group: { type: 'integer' } } },
      },
    },
    actor,
  );
  await createGuardrail(
    db,
    {
      ...base,
      ruleId: 'no-drop',
      configuration: { kind: 'regex_deny', path: '$.notes', pattern: '(?i)drop\\s+table' },
    },
    actor,
  );
  await createGuardrail(
    db,
    { ...base, ruleId: 'title', configuration: { kind: 'regex_require', path: '$.title', pattern: '^[A-Z]' } },
    actor,
  );
  await createGuardrail(
    db,
    { ...base, ruleId: 'paths', configuration: { kind: 'protected_paths', globs: ['secrets/**', '**/*.key'] } },
    actor,
  );
  await createGuardrail(
    db,
    { ...base, ruleId: 'more-secrets', configuration: { kind: 'secret_scan', patterns: ['corp_[a-z0-9]{32}'] } },
    actor,
  );
  return moduleIds;
}

export function change(i: number): SubmitChangeInput {
  return {
    projectId: 'bench-project',
    changeType: 'bench.changed',
    actor,
    payload: {
      title: `Decision ${i}`,
      item: 'Tests pass',
      path: `src/module-${i % 20}.ts`,
      group: i % GROUPS,
      created_at: '2026-01-01T14:30:45.123456Z',
      version: '1.2.0',
      name: 'bench-change',
      notes: 'An ordinary change with a few words of text in it, like most changes have.',
    },
  };
}

interface WorkerReport extends Partial<Record<'claimed' | 'propagated' | 'busyMs' | 'cpuMs' | 'leaseLost', number>> {
  statements?: StatementTotals[];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const database = await connect(parseDatabaseUrl(url), { createDatabase: true, retries: 0 });
  try {
    await migrate(database);
    await setUp(database);

    const workers = Array.from({ length: WORKERS }, (_, i) =>
      fork(path.join(__dirname, 'bin-worker.ts'), [url, `bench-${i}`, String(BATCH)], {
        // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the workers.
        execArgv: ['--import', 'tsx', ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      }),
    );
    const reports = workers.map(
      (w) =>
        new Promise<WorkerReport>((resolve, reject) => {
          w.once('message', (m) => resolve(m as WorkerReport));
          w.once('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
        }),
    );

    const started = performance.now();
    let submitMs = 0;
    for (let i = 0; i < CHANGES; i += SUBMIT_BATCH) {
      const t = performance.now();
      await submitChanges(
        database.db,
        Array.from({ length: Math.min(SUBMIT_BATCH, CHANGES - i) }, (_, k) => change(i + k)),
      );
      submitMs += performance.now() - t;
    }
    const submitted = performance.now();
    for (;;) {
      const [row] = await rows<{ n: number }>(
        database,
        sql`SELECT COUNT(*) AS n FROM sync_buffer WHERE status IN ('PENDING', 'VALIDATED')`,
      );
      if (Number(row?.n) === 0) break;
      if (performance.now() - started > 600_000) throw new Error('The benchmark did not finish within 10 minutes.');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const finished = performance.now();
    workers.forEach((w) => w.send('stop'));
    const workerReports = await Promise.all(reports);

    const [span] = await rows<{ seconds: string; propagated: number; rejected: number }>(
      database,
      sql`SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(propagated_at)) / 1e6 AS seconds,
                 SUM(status = 'PROPAGATED') AS propagated, SUM(status = 'REJECTED') AS rejected FROM sync_buffer`,
    );
    const latencies = (
      await rows<{ us: string }>(
        database,
        sql`SELECT TIMESTAMPDIFF(MICROSECOND, created_at, propagated_at) AS us FROM sync_buffer WHERE status = 'PROPAGATED'`,
      )
    )
      .map((r) => Number(r.us) / 1000)
      .sort((a, b) => a - b);
    const [log] = await rows<{ n: number; success: number; dup: number }>(
      database,
      sql`SELECT COUNT(*) AS n, SUM(status = 'SUCCESS') AS success,
                 COUNT(*) - COUNT(DISTINCT sync_buffer_id, affected_dashboard_id) AS dup FROM propagation_log`,
    );

    // The same propagation_log rows, bulk-inserted raw (same columns and indexes, 1 000 per INSERT).
    await database.pool.query('CREATE TABLE propagation_log_raw LIKE propagation_log');
    const [logRows] = await database.pool.query(
      'SELECT id, sync_buffer_id, affected_dashboard_id, propagation_type, status, error_message, token_cost, duration_ms, attempts FROM propagation_log',
    );
    const all = logRows as Array<Record<string, unknown>>;
    const rawStarted = performance.now();
    for (let i = 0; i < all.length; i += 1000) {
      const chunk = all.slice(i, i + 1000);
      await database.pool.query(
        'INSERT INTO propagation_log_raw (id, sync_buffer_id, affected_dashboard_id, propagation_type, status, error_message, token_cost, duration_ms, attempts) VALUES ?',
        [
          chunk.map((r) => [
            r.id,
            r.sync_buffer_id,
            r.affected_dashboard_id,
            r.propagation_type,
            r.status,
            r.error_message,
            r.token_cost,
            r.duration_ms,
            r.attempts,
          ]),
        ],
      );
    }
    const rawMs = performance.now() - rawStarted;

    const seconds = Number(span?.seconds);
    const pipelineMs = finished - started;
    const figures = {
      changes: CHANGES,
      propagated: Number(span?.propagated),
      rejected: Number(span?.rejected),
      dashboards: DASHBOARDS,
      per_change: DASHBOARDS / GROUPS,
      standards: 20,
      guardrails: 10,
      workers: WORKERS,
      batch: BATCH,
      changes_per_s: Math.round(CHANGES / seconds),
      submit_changes_per_s: Math.round(CHANGES / (submitMs / 1000)),
      p50_ms: Math.round(percentile(latencies, 50)),
      p99_ms: Math.round(percentile(latencies, 99)),
      propagation_rows: Number(log?.n),
      duplicate_rows: Number(log?.dup),
      raw_insert_rows_per_s: Math.round(all.length / (rawMs / 1000)),
      pipeline_vs_raw_insert: Number((pipelineMs / rawMs).toFixed(1)),
      wall_s: Number((pipelineMs / 1000).toFixed(2)),
      submit_phase_s: Number(((submitted - started) / 1000).toFixed(2)),
    };
    console.log(
      `The Bin: ${CHANGES} changes × ${figures.per_change} dashboards, ${WORKERS} workers, batches of ${BATCH}`,
    );
    console.log(
      `  end to end      ${figures.changes_per_s} changes/s (first submit → last PROPAGATED, ${seconds.toFixed(2)} s)`,
    );
    console.log(
      `  submit alone    ${figures.submit_changes_per_s} changes/s (batches of ${SUBMIT_BATCH}, concurrent with the workers)`,
    );
    console.log(
      `  latency         p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms (submit → PROPAGATED, includes queueing)`,
    );
    console.log(`  propagation_log ${figures.propagation_rows} rows, ${figures.duplicate_rows} duplicates`);
    console.log(
      `  raw bulk insert ${figures.raw_insert_rows_per_s} rows/s; the pipeline takes ${figures.pipeline_vs_raw_insert}× the raw insert time`,
    );
    const [load] = await import('node:os').then((os) => os.loadavg());
    console.log(
      `  machine         load average ${load?.toFixed(1)} on ${(await import('node:os')).cpus().length} cores during the run`,
    );
    for (const [i, r] of workerReports.entries()) {
      console.log(
        `  worker ${i}        ${r.claimed ?? 0} claimed, ${r.propagated ?? 0} propagated, busy ${Math.round((r.busyMs ?? 0) / 1000)} s, ` +
          `own CPU ${((r.cpuMs ?? 0) / Math.max(1, r.claimed ?? 1)).toFixed(2)} ms/change, lease lost ${r.leaseLost ?? 0}`,
      );
    }
    const statements = new Map<string, StatementTotals>();
    for (const s of workerReports.flatMap((r) => r.statements ?? [])) {
      const sum = statements.get(s.shape) ?? { shape: s.shape, count: 0, ms: 0, bytes: 0 };
      statements.set(s.shape, {
        shape: s.shape,
        count: sum.count + s.count,
        ms: sum.ms + s.ms,
        bytes: sum.bytes + s.bytes,
      });
    }
    if (statements.size > 0)
      console.log('  statements (both workers, client-side wall time: total ms, count, ms each, KB each)');
    for (const s of [...statements.values()].sort((a, b) => b.ms - a.ms)) {
      console.log(
        `    ${Math.round(s.ms).toString().padStart(7)} ms ${String(s.count).padStart(6)}× ${(s.ms / s.count).toFixed(1).padStart(7)} ms ${(s.bytes / s.count / 1024).toFixed(1).padStart(7)} KB  ${s.shape}`,
      );
    }
    console.log(
      Object.entries(figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
  } finally {
    await database.pool.query(`DROP DATABASE IF EXISTS \`${database.config.database}\``).catch(() => undefined);
    await database.close();
  }
}

// Imported (bench/bin-phases.ts) for its fixtures: run only when started as the benchmark.
if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
