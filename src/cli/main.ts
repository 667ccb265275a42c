import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { resolveActor } from '../core/actor.js';
import {
  BinWorker,
  checkWorkspaceCompliance,
  complianceReport,
  parsePayload,
  showChange,
  submitChange,
} from '../core/bin/index.js';
import { configFromEnvironment, connect, type Database } from '../db/connection.js';
import { currentVersion, isModelVersion, migrate, rollback } from '../db/migrate.js';
import { formatReport, verifySchema } from '../db/verify.js';
import { CLOCK_USAGE, clockCommand, SNAPSHOT_USAGE, snapshotCommand } from './time.js';
import { captureOnce } from '../core/watcher/index.js';
import { AI_USAGE, aiCommand } from './ai.js';
import { UsageError } from './usage-error.js';
import { CockpitError } from '../core/errors.js';
import { parseDay, usageByPeriod, type Period } from '../core/tokens/analytics.js';
import { importTokenLogs, type ImportReport, type TokenLogSource } from '../core/tokens/importers/index.js';
import { parsePricingOverrides, Pricing } from '../core/tokens/pricing.js';
import { createProjectResolver } from '../core/tokens/project-resolver.js';

const USAGE = `Usage: cockpit <command> [options]

Commands:
  migrate [--to VERSION]   Apply pending migrations (models 1.0.0 … 1.2.0), partitions and seed data.
  migrate [--to VERSION]   Apply pending migrations (model 1.0.0 … 1.2.0), partitions and seed data.
  verify [--json]          Compare the live schema with the data model; exit 1 on any difference.
  rollback VERSION         Undo a model version (e.g. 1.2.0) with its rollback script.
  version                  Print the model version of the database.
${SNAPSHOT_USAGE}
${CLOCK_USAGE}
  capture [--path DIR] [--exclude GLOB]… [--spool-dir DIR]
                           Record the MAC times and git SHA of every file under DIR (default: the
                           current folder) in filesystem_timestamps; .git/ and node_modules/ are skipped.
  migrate [--to VERSION]   Apply pending migrations (up to the newest model), partitions and seed data.
  verify [--json]          Compare the live schema with the data model; exit 1 on any difference.
  rollback VERSION         Undo a model version (e.g. 1.1.0) with its rollback script.
  version                  Print the model version of the database.
${AI_USAGE}
  import claude-code|codex [--path DIR] [--project ID] [--rescan] [--json]
                           Import token usage from Claude Code / Codex CLI logs (only new lines; --rescan
                           re-reads every file, adding nothing twice). Without --project, a log's working
                           directory is matched to a project's git_repository (local path or origin remote).
  report daily|weekly|monthly [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--project ID] [--json]
                           Token usage and cost per UTC period (--until is inclusive).
  migrate [--to VERSION]   Apply pending migrations (model 1.0.0, 1.1.0 or 1.2.0), partitions and seed data.
  verify [--json]          Compare the live schema with the data model; exit 1 on any difference.
  rollback VERSION         Undo a model version (e.g. 1.1.0) with its rollback script.
  version                  Print the model version of the database.
  bin submit --project ID --type T --payload JSON [--source MODULE]
                           Submit a change to The Bin; prints its id.
  bin process [--manual] [--batch N]
                           Run the worker until the queue is empty (--manual: every change waits for approval).
  bin show ID [--json]     Status, validation results, impact, propagation rows and violations of a change.
  compliance [--json] [--workspace DIR]
                           Compliance per standard (share of violations resolved); --workspace first checks
                           the file names (git ls-files) and git tags of DIR.

The database comes from COCKPIT_DATABASE_URL (mysql://user@host:port/database);
COCKPIT_DATABASE_PASSWORD keeps the password out of the URL. COCKPIT_PRICING_OVERRIDES may hold the
cockpit.pricing.overrides setting as JSON ({"model": {"input": 3, "output": 15}}, USD per million tokens).`;

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
        throw new UsageError('rollback needs a model version, e.g. `cockpit rollback 1.2.0`.');
      await rollback(database, version, { log: (m) => console.error(m) });
      console.log(`Database is at model ${(await currentVersion(database)) ?? 'none'}.`);
      return 0;
    },
  },
  capture: {
    async run(database, args) {
      const { values } = parseArgs({
        args,
        options: {
          path: { type: 'string', default: '.' },
          exclude: { type: 'string', multiple: true, default: [] },
          'spool-dir': { type: 'string' },
        },
      });
      const log = { info: (m: string) => console.error(m), warn: (m: string) => console.error(`warning: ${m}`) };
      const report = await captureOnce(database, {
        root: values.path!,
        exclude: values.exclude,
        spoolDir: values['spool-dir'],
        log,
      });
      console.log(
        `Captured ${report.files} file(s) of ${report.project.name} (${report.project.id}, ${report.project.matchedBy}): ` +
          `${report.inserted} new row(s), ${report.duplicates} unchanged since the last capture, ` +
          `${report.statements} INSERT statement(s), ${report.gitProcesses} git process(es), ${Math.round(report.durationMs)} ms.`,
      );
      if (report.pending > 0) {
        console.error(`${report.pending} row(s) are not committed; they stay in ${report.spoolPath} for the next run.`);
        return 1;
      }
      return 0;
    },
  },
  version: {
    async run(database) {
      console.log((await currentVersion(database)) ?? 'none');
      return 0;
    },
  },
  snapshot: { run: snapshotCommand },
  clock: { run: clockCommand },
  ai: { run: aiCommand },
  import: {
    async run(database, args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          path: { type: 'string' },
          project: { type: 'string' },
          rescan: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
        },
      });
      const source = positionals[0];
      if (source !== 'claude-code' && source !== 'codex') {
        throw new UsageError('import needs a source: `cockpit import claude-code` or `cockpit import codex`.');
      }
      const report = await importTokenLogs(source, {
        db: database.db,
        pricing: pricingFromEnvironment(),
        resolveProject: await createProjectResolver(database.db, { projectId: values.project }),
        path: values.path,
        rescan: values.rescan,
      });
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else console.log(describeImport(source, report));
      for (const sample of report.malformedSamples)
        console.error(`malformed: ${sample.file} at byte ${sample.offset}: ${sample.reason}`);
      for (const error of report.errors) console.error(`unreadable: ${error.file}: ${error.message}`);
      return 0;
    },
  },
  report: {
    async run(database, args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          since: { type: 'string' },
          until: { type: 'string' },
          project: { type: 'string' },
          json: { type: 'boolean', default: false },
        },
      });
      const period = REPORT_PERIODS[positionals[0] ?? ''];
      if (!period) throw new UsageError('report needs a period: `cockpit report daily|weekly|monthly`.');
      const from = values.since === undefined ? undefined : asUsage(() => parseDay(values.since!, '--since'));
      const until = values.until === undefined ? undefined : asUsage(() => parseDay(values.until!, '--until'));
      const to = until && new Date(until.getTime() + 86_400_000);
      const rows = (await usageByPeriod(database, period, { projectId: values.project, from, to })).map(
        ({ period, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, totalCost }) => ({
          period,
          inputTokens,
          outputTokens,
          cacheCreationTokens,
          cacheReadTokens,
          totalCost,
        }),
      );
      if (values.json) {
        console.log(JSON.stringify(rows, null, 2));
      } else {
        console.log(['period', 'input', 'output', 'cache write', 'cache read', 'cost (USD)'].join('\t'));
        for (const r of rows) {
          console.log(
            [r.period, r.inputTokens, r.outputTokens, r.cacheCreationTokens, r.cacheReadTokens, r.totalCost].join('\t'),
          );
        }
      }
      return 0;
    },
  },
  bin: {
    async run(database, args) {
      const [sub, ...rest] = args;
      const actor = await resolveActor(process.cwd());
      if (sub === 'submit') {
        const { values } = parseArgs({
          args: rest,
          options: {
            project: { type: 'string' },
            type: { type: 'string' },
            payload: { type: 'string' },
            source: { type: 'string' },
          },
        });
        if (!values.project || !values.type || values.payload === undefined) {
          throw new UsageError('bin submit needs --project ID --type T --payload JSON.');
        }
        const id = await submitChange(database.db, {
          projectId: values.project,
          changeType: values.type,
          sourceModuleId: values.source,
          payload: parsePayload(values.payload),
          actor,
        });
        console.log(id);
        return 0;
      }
      if (sub === 'process') {
        const { values } = parseArgs({
          args: rest,
          options: { manual: { type: 'boolean', default: false }, batch: { type: 'string' } },
        });
        const batchSize = values.batch === undefined ? undefined : Number(values.batch);
        if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
          throw new UsageError('--batch takes a positive integer.');
        const worker = new BinWorker(database.db, {
          autoPropagate: !values.manual,
          batchSize,
          actor: `cli:${actor}`,
          log: (m) => console.error(m),
        });
        const report = await worker.drain();
        console.log(
          `Processed ${report.claimed} claim(s): ${report.validated} validated (${report.awaitingApproval} awaiting approval), ${report.rejected} rejected, ${report.propagated} propagated; dashboards ${report.dashboardsSucceeded} succeeded, ${report.dashboardsFailed} failed.`,
        );
        return 0;
      }
      if (sub === 'show') {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { json: { type: 'boolean', default: false } },
        });
        if (!positionals[0]) throw new UsageError('bin show needs a change id.');
        const change = await showChange(database.db, positionals[0]);
        if (values.json) {
          console.log(JSON.stringify(change, null, 2));
        } else {
          console.log(
            `${change.id}  ${change.changeType}  ${change.status}${change.awaitingApproval ? ' (awaiting approval)' : ''}`,
          );
          console.log(`  ${change.summary ?? 'Not validated yet.'}`);
          console.log(`  ${change.dashboards} dashboard(s)${change.highImpact ? ', high impact' : ''}`);
          for (const p of change.propagation)
            console.log(`  ${p.status.padEnd(7)} ${p.dashboardId}${p.errorMessage ? `  ${p.errorMessage}` : ''}`);
          for (const v of change.violations)
            console.log(
              `  violation ${v.resourceId}: ${v.violationValue}${v.suggestedFix ? ` → ${v.suggestedFix}` : ''} (${v.status})`,
            );
        }
        return 0;
      }
      throw new UsageError('bin takes submit, process or show.');
    },
  },
  compliance: {
    async run(database, args) {
      const { values } = parseArgs({
        args,
        options: { json: { type: 'boolean', default: false }, workspace: { type: 'string' } },
      });
      let check;
      if (values.workspace !== undefined) {
        const git = (gitArgs: string[]) =>
          promisify(execFile)('git', gitArgs, { cwd: values.workspace, maxBuffer: 64 * 1024 * 1024 }).then((r) =>
            r.stdout.split('\n').filter(Boolean),
          );
        const [files, tags] = await Promise.all([git(['ls-files']), git(['tag', '--list'])]);
        check = await checkWorkspaceCompliance(database.db, {
          files,
          tags,
          actor: await resolveActor(values.workspace),
        });
      }
      const standards = await complianceReport(database);
      if (values.json) {
        console.log(JSON.stringify(check ? { workspace: check, standards } : { standards }, null, 2));
        return 0;
      }
      if (check) {
        console.log(
          `Workspace: ${check.files} file(s), ${check.tags} tag(s); ${check.recorded} new violation(s), ${check.resolved} resolved.`,
        );
      }
      for (const s of standards) {
        console.log(
          `${s.complianceRate.toFixed(2).padStart(6)} %  ${s.category.padEnd(12)} ${s.standardName} (${s.openViolations} open of ${s.violationCount})`,
        );
      }
      return 0;
    },
  },
};

const REPORT_PERIODS: Record<string, Period> = { daily: 'day', weekly: 'week', monthly: 'month' };

/** A refused command-line value is a usage error (exit status 2), like an unknown option. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CockpitError && error.code === 'invalid') throw new UsageError(error.message);
    throw error;
  }
}

function pricingFromEnvironment(env: NodeJS.ProcessEnv = process.env): Pricing {
  const text = env.COCKPIT_PRICING_OVERRIDES;
  if (!text) return new Pricing();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('COCKPIT_PRICING_OVERRIDES is not valid JSON.');
  }
  return new Pricing(
    undefined,
    asUsage(() => parsePricingOverrides(value)),
  );
}

export function describeImport(source: TokenLogSource, report: ImportReport): string {
  const skipped = Object.entries(report.skipped).map(([reason, n]) => `${n} ${reason}`);
  return [
    `${source}: ${report.imported} events imported, ${report.duplicates} duplicates skipped, ${report.malformed} malformed lines`,
    `  ${report.files} files (${report.filesRead} with new data, ${report.filesRestarted} restarted after truncation or rotation), ${(report.bytesRead / 1024 / 1024).toFixed(1)} MB read`,
    ...(report.unassigned > 0
      ? [`  ${report.unassigned} events in directories of no known project (use --project ID)`]
      : []),
    ...(skipped.length > 0 ? [`  not recorded: ${skipped.join(', ')}`] : []),
  ].join('\n');
}

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
