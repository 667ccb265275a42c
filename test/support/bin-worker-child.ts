// A Bin worker in its own process, for the crash test: it stalls inside its Nth batch
// transaction (before COMMIT), tells the parent, and waits there to be killed.
import { BinWorker } from '../../src/core/bin/worker.js';
import { connect } from '../../src/db/connection.js';
import { testConfig } from './database.js';

async function main() {
  const [databaseName, leaseMs, stallAtBatch] = process.argv.slice(2);
  const database = await connect(testConfig(databaseName!), { retries: 0 });
  let batches = 0;
  const worker = new BinWorker(database.db, {
    workerId: 'doomed-worker',
    batchSize: 20,
    leaseMs: Number(leaseMs),
    async beforeCommit(changeIds) {
      batches++;
      if (batches === Number(stallAtBatch)) {
        process.send?.({ stalled: changeIds });
        await new Promise(() => undefined);
      }
    },
  });
  await worker.drain();
  process.send?.({ done: true });
  await database.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
