// One benchmark worker process: polls the Bin until the parent says stop, then reports.
import { BinWorker, type BatchReport } from '../src/core/bin/worker.js';
import { connect, parseDatabaseUrl } from '../src/db/connection.js';
import { statementTimes, timeStatements } from './statement-times.js';

async function main() {
  const [url, workerId, batchSize] = process.argv.slice(2);
  const database = await connect(parseDatabaseUrl(url!), { retries: 0 });
  // BENCH_STATEMENT_TIMES=1: the worker reports the client-side time of each statement shape.
  if (process.env.BENCH_STATEMENT_TIMES) await timeStatements(database.pool);
  const worker = new BinWorker(database.db, { workerId, batchSize: Number(batchSize), actor: 'bench' });
  let stopping = false;
  process.on('message', () => (stopping = true));
  const total: Partial<BatchReport> = {};
  let idle = 0;
  let busyMs = 0;
  const cpu = process.cpuUsage();
  while (!stopping) {
    const started = performance.now();
    const report = await worker.runOnce();
    if (report.claimed === 0) {
      idle++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    busyMs += performance.now() - started;
    for (const [key, value] of Object.entries(report))
      total[key as keyof BatchReport] = (total[key as keyof BatchReport] ?? 0) + value;
  }
  const used = process.cpuUsage(cpu);
  process.send?.({
    ...total,
    idle,
    busyMs,
    cpuMs: (used.user + used.system) / 1000,
    ...(process.env.BENCH_STATEMENT_TIMES ? { statements: statementTimes() } : {}),
  });
  await database.close();
  // The IPC channel keeps both processes alive: let go so the worker (and then the bench) exits.
  process.disconnect?.();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
