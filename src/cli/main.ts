import { parseArgs } from 'node:util';
import { configFromEnvironment, connect, type Database } from '../db/connection.js';
import { currentVersion, isModelVersion, migrate, rollback } from '../db/migrate.js';
import { formatReport, verifySchema } from '../db/verify.js';

const USAGE = `Usage: cockpit <command> [options]

Commands:
  migrate [--to VERSION]   Apply pending migrations (model 1.0.0, 1.1.0 or 1.2.0), partitions and seed data.
  verify [--json]          Compare the live schema with the data model; exit 1 on any difference.
  rollback VERSION         Undo a model version (e.g. 1.1.0) with its rollback script.
  version                  Print the model version of the database.

The database comes from COCKPIT_DATABASE_URL (mysql://user@host:port/database);
COCKPIT_DATABASE_PASSWORD keeps the password out of the URL.`;

type Command = (database: Database, args: string[]) => Promise<number>;

const commands: Record<string, { createDatabase?: boolean; run: Command }> = {
  migrate: {
    createDatabase: true,
    async run(database, args) {
      const { values } = parseArgs({ args, options: { to: { type: 'string' } } });
      if (values.to !== undefined && !isModelVersion(values.to))
        throw new UsageError(`Unknown model version "${values.to}".`);
      const report = await migrate(database, { to: values.to, log: (m) => console.error(m) });
      console.log(
        `Database is at model ${report.version ?? 'none'}; ${report.applied.length} migration(s) applied in ${Math.round(report.durationMs)} ms.`,
      );
      return 0;
    },
  },
  verify: {
    async run(database, args) {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
      const report = await verifySchema(database);
      console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    },
  },
  rollback: {
    async run(database, args) {
      const { positionals } = parseArgs({ args, allowPositionals: true });
      const version = positionals[0];
      if (!isModelVersion(version))
        throw new UsageError('rollback needs a model version, e.g. `cockpit rollback 1.1.0`.');
      await rollback(database, version, { log: (m) => console.error(m) });
      console.log(`Database is at model ${(await currentVersion(database)) ?? 'none'}.`);
      return 0;
    },
  },
  version: {
    async run(database) {
      console.log((await currentVersion(database)) ?? 'none');
      return 0;
    },
  },
};

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`cockpit: unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  let database: Database | undefined;
  try {
    database = await connect(configFromEnvironment(), { createDatabase: command.createDatabase });
    return await command.run(database, args);
  } catch (error) {
    console.error(`cockpit ${name}: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await database?.close();
  }
}
