/**
 * CPU per change of the Bin worker's phases on the benchmark's data, one process, no contention
 * with a second worker: validation + impact (pure), then whole batches (claim, plan, write).
 * `node --import tsx bench/bin-phases.ts`; last line key=value pairs (µs per change).
 */
import { BinWorker } from '../src/core/bin/worker.js';
import { validateChange } from '../src/core/bin/validation.js';
import { analyseImpact, loadSubscribers } from '../src/core/bin/impact.js';
import { submitChanges } from '../src/core/bin/index.js';
import { connect, parseDatabaseUrl } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { change, setUp } from './bin.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 4000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const server = (process.env.COCKPIT_BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/').replace(/\/[^/]*$/, '/');
const url = `${server}cockpit_bench_bin_phases_${process.pid}`;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function main() {
  const database = await connect(parseDatabaseUrl(url), { createDatabase: true, retries: 0 });
  try {
    await migrate(database);
    await setUp(database);
    const worker = new BinWorker(database.db, { workerId: 'phases', batchSize: BATCH, actor: 'bench' });
    const rules = (
      await (worker as unknown as { loadRules(ids: string[]): Promise<Map<string, never>> }).loadRules([
        'bench-project',
      ])
    ).get('bench-project')!;
    const subscribers = (await loadSubscribers(database.db, ['bench-project'])).get('bench-project')!;

    const payloads = Array.from({ length: CHANGES }, (_, i) => change(i));
    let cpu = process.cpuUsage();
    for (const input of payloads) {
      const json = JSON.stringify(input.payload);
      const validation = validateChange(
        { changeType: input.changeType, payload: JSON.parse(json), bytes: Buffer.byteLength(json) },
        rules,
      );
      analyseImpact({ changeType: input.changeType, payload: validation.payload, sourceModuleId: null }, subscribers);
      JSON.stringify(validation.results);
    }
    const pureUs = (cpuMs(cpu) * 1000) / CHANGES;

    cpu = process.cpuUsage();
    for (let i = 0; i < CHANGES; i += 200) await submitChanges(database.db, payloads.slice(i, i + 200));
    const submitUs = (cpuMs(cpu) * 1000) / CHANGES;

    cpu = process.cpuUsage();
    const started = performance.now();
    const report = await worker.drain();
    const workerUs = (cpuMs(cpu) * 1000) / report.claimed;
    const wallS = (performance.now() - started) / 1000;
    console.log(
      `validate+impact ${pureUs.toFixed(0)} µs/change; submit ${submitUs.toFixed(0)} µs/change (client CPU); ` +
        `worker ${workerUs.toFixed(0)} µs/change CPU, ${Math.round(report.claimed / wallS)} changes/s alone (${report.propagated} propagated)`,
    );
    console.log(
      `changes=${CHANGES} batch=${BATCH} validate_impact_us=${pureUs.toFixed(0)} submit_us=${submitUs.toFixed(0)} worker_us=${workerUs.toFixed(0)} worker_changes_per_s=${Math.round(report.claimed / wallS)}`,
    );
  } finally {
    await database.pool.query(`DROP DATABASE IF EXISTS \`${database.config.database}\``).catch(() => undefined);
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
