// Full migrate of an empty database (1.0.0 → newest, partitions, seeds) and a no-op re-run, timed over
// several rounds on the server of COCKPIT_TEST_DATABASE_URL (default: the local MariaDB).
// Usage: npm run bench:migrate [-- --rounds N]
import { parseArgs } from 'node:util';
import { connect } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { verifySchema } from '../src/db/verify.ts';
import { testConfig } from '../test/support/database.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const full: number[] = [];
const noop: number[] = [];
let server = '';
for (let round = 0; round < rounds; round++) {
  const name = `cockpit_bench_migrate_${process.pid}_${round}`;
  const database = await connect(testConfig(name), { createDatabase: true, retries: 0 });
  server = `${database.server.dialect}-${database.server.version}`;
  try {
    full.push((await migrate(database)).durationMs);
    noop.push((await migrate(database)).durationMs);
    if (!(await verifySchema(database)).ok) throw new Error('schema verification failed after migrate');
  } finally {
    await database.pool.query(`DROP DATABASE \`${name}\``);
    await database.close();
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`full migrate (ms): ${full.map((x) => x.toFixed(0)).join(' ')}`);
console.log(`no-op re-run (ms): ${noop.map((x) => x.toFixed(0)).join(' ')}`);
console.log(
  `server=${server} rounds=${rounds} full_migrate_median_ms=${median(full).toFixed(0)} noop_migrate_median_ms=${median(noop).toFixed(0)}`,
);
