/** `cockpit snapshot …` and `cockpit clock …`: thin wrappers over src/core/snapshots and src/core/time. */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeTarget, type Database } from '../db/connection.js';
import { resolveActor } from '../core/actor.js';
import {
  createSnapshot,
  exportSnapshot,
  importSnapshot,
  listSnapshots,
  MAX_IMPORT_BYTES,
  previewRestore,
  restoreSnapshot,
} from '../core/snapshots/snapshots.js';
import { checkClocks } from '../core/time/check.js';
import { UsageError } from './usage-error.js';

export const SNAPSHOT_USAGE = `  snapshot create --project ID [--description TEXT] [--git-tag NAME]
                           Store the project's state as its next snapshot; prints the snapshot id.
  snapshot list --project ID [--json]
  snapshot restore SNAPSHOT_ID [--dry-run]
                           Show what changes, snapshot the current state, restore in one transaction.
  snapshot export SNAPSHOT_ID --out FILE
  snapshot import FILE     Store an exported snapshot as the next version of its project.`;

export const CLOCK_USAGE = `  clock check [--json] [--ntp-server HOST[:PORT]]... [--samples N]
                           Measure the database, NTP servers (COCKPIT_NTP_SERVERS, default pool.ntp.org)
                           and the host's own sync against this machine's clock; record them; exit 1
                           when any component drifts (≥ 10 ms) or fails.`;

function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`${what} is required.`);
  return value;
}

export async function snapshotCommand(database: Database, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const createdBy = await resolveActor(process.cwd());
  switch (action) {
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, description: { type: 'string' }, 'git-tag': { type: 'string' } },
      });
      const snapshot = await createSnapshot(database, {
        projectId: required(values.project, '--project ID'),
        description: values.description ?? null,
        createdBy,
        cwd: process.cwd(),
        gitTag: values['git-tag'],
      });
      console.log(snapshot.id);
      console.error(`Snapshot version ${snapshot.versionNumber} of project ${snapshot.projectId} stored.`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      const snapshots = await listSnapshots(database.db, required(values.project, '--project ID'));
      if (values.json) console.log(JSON.stringify(snapshots, null, 2));
      else if (snapshots.length === 0) console.log('No snapshots.');
      else {
        for (const s of snapshots) {
          const tag = s.gitTag ? ` [${s.gitTag}]` : '';
          console.log(
            `v${s.versionNumber}  ${s.createdAt}  ${s.id}  ${s.createdBy}${tag}  ${s.description ?? ''}`.trimEnd(),
          );
        }
      }
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false } },
      });
      const snapshotId = required(positionals[0], 'SNAPSHOT_ID');
      if (values['dry-run']) {
        const preview = await previewRestore(database.db, snapshotId);
        console.log(preview.summary.join('\n'));
        return 0;
      }
      const result = await restoreSnapshot(database, snapshotId, { createdBy });
      console.log(result.summary.join('\n'));
      const safety = result.safetySnapshot
        ? ` The previous state is snapshot ${result.safetySnapshot.id} (version ${result.safetySnapshot.versionNumber}).`
        : '';
      console.error(
        `Restored version ${result.snapshot.versionNumber} of project ${result.snapshot.projectId}.${safety}`,
      );
      return 0;
    }
    case 'export': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { out: { type: 'string' } },
      });
      const file = await exportSnapshot(database.db, required(positionals[0], 'SNAPSHOT_ID'));
      const out = required(values.out, '--out FILE');
      await writeFile(out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      console.error(`Snapshot version ${file.snapshot.versionNumber} written to ${out} (API keys stay encrypted).`);
      return 0;
    }
    case 'import': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      const path = required(positionals[0], 'FILE');
      const buffer = await readFile(path);
      if (buffer.byteLength > MAX_IMPORT_BYTES) throw new UsageError(`${path} is larger than 64 MB.`);
      const snapshot = await importSnapshot(database, buffer.toString('utf8'), { createdBy, source: path });
      console.log(snapshot.id);
      console.error(`Imported as version ${snapshot.versionNumber} of project ${snapshot.projectId}.`);
      return 0;
    }
    default:
      throw new UsageError(`snapshot needs one of create, list, restore, export, import.\n\n${SNAPSHOT_USAGE}`);
  }
}

export async function clockCommand(database: Database, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'check') throw new UsageError(`clock needs "check".\n\n${CLOCK_USAGE}`);
  const { values } = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean', default: false },
      'ntp-server': { type: 'string', multiple: true },
      samples: { type: 'string' },
    },
  });
  const samples = values.samples === undefined ? 5 : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 1 || samples > 50) throw new UsageError('--samples must be 1–50.');
  const fromEnvironment = process.env.COCKPIT_NTP_SERVERS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ntpServers = values['ntp-server'] ?? fromEnvironment ?? ['pool.ntp.org'];
  const report = await checkClocks(database.db, {
    pool: database.pool,
    serverName: `database ${describeTarget(database.config)}`,
    ntpServers,
    samples,
  });
  if (values.json) {
    console.log(
      JSON.stringify(
        report.readings.map((r) => ({
          name: r.componentName,
          protocol: r.protocol,
          offset_microseconds: r.offsetMicroseconds,
          status: r.status,
          stratum: r.stratum,
          round_trip_microseconds: r.roundTripMicroseconds,
          error: r.errorMessage,
          checked_at: r.checkedAt,
        })),
        null,
        2,
      ),
    );
  } else {
    for (const r of report.readings) {
      const detail = r.status === 'error' ? r.errorMessage : `${(r.offsetMicroseconds / 1000).toFixed(3)} ms`;
      console.log(`${r.status.padEnd(12)} ${r.protocol.padEnd(7)} ${r.componentName}: ${detail}`);
    }
    if (report.hostSync.tool === 'timedatectl') {
      console.log(`host clock: ${report.hostSync.ntpSynchronized ? 'synchronised' : 'NOT synchronised'} (timedatectl)`);
    }
  }
  return report.readings.every((r) => r.status === 'synchronized') ? 0 : 1;
}
