import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import type { Database } from './connection.js';
import { withNamedLock } from './lock.js';
import { ensureMonthlyPartitions } from './partitions.js';
import { seed } from './seed.js';
import { applyTidbExtras } from './tidb.js';

/**
 * A data model version (SemVer `x.y.z`). Each migration names the version it belongs to in its tag
 * (`0002_v1.1.0_…`); versions are applied in journal order, which is also SemVer order.
 */
export type ModelVersion = string;

const MIGRATIONS_TABLE = '__drizzle_migrations';
const LOCK_NAME = 'devguide_cockpit_migrate';

/** Finds `migrations/` next to the bundle (dist/…) or the sources (src/db/…). */
export function defaultMigrationsFolder(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`No migrations folder found above ${from}.`);
  }
}

interface DrizzleMigratorInternals {
  dialect: { migrate(steps: MigrationMeta[], session: unknown, config: object): Promise<void> };
  session: unknown;
}

interface JournalEntry {
  tag: string;
  when: number;
}

export interface MigrationStep {
  tag: string;
  version: ModelVersion;
  meta: MigrationMeta;
}

export function readSteps(folder: string): MigrationStep[] {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  const metas = readMigrationFiles({ migrationsFolder: folder });
  return journal.entries.map((entry, i) => {
    const version = /_v(\d+\.\d+\.\d+)_/.exec(entry.tag)?.[1];
    if (!version) throw new Error(`Migration ${entry.tag} does not name its model version (…_v1.2.0_…).`);
    const meta = metas[i];
    if (!meta) throw new Error(`Migration ${entry.tag} has no SQL file.`);
    return { tag: entry.tag, version, meta };
  });
}

/** The model versions that have migrations, oldest first. */
export function modelVersions(folder = defaultMigrationsFolder()): ModelVersion[] {
  return [...new Set(readSteps(folder).map((s) => s.version))];
}

export function isModelVersion(value: string | undefined, folder = defaultMigrationsFolder()): value is ModelVersion {
  return value !== undefined && modelVersions(folder).includes(value);
}

export interface MigrateOptions {
  /** Stop after this model version (default: the newest). */
  to?: ModelVersion;
  folder?: string;
  log?: (message: string) => void;
  /** Clock for partition maintenance (tests). */
  now?: Date;
}

export interface MigrateReport {
  applied: string[];
  version: ModelVersion | null;
  durationMs: number;
}

/**
 * Applies pending steps with drizzle's migrator, under a server-side lock so two windows (or a
 * window and the CLI) never migrate at once. Re-running is a no-op. Then adds upcoming monthly
 * partitions, on TiDB only the TiFlash replicas and AUTO_RANDOM, and the seed rows.
 */
export async function migrate(database: Database, options: MigrateOptions = {}): Promise<MigrateReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const folder = options.folder ?? defaultMigrationsFolder();
  const versions = modelVersions(folder);
  const latest = versions[versions.length - 1];
  const target = options.to ?? latest;
  if (target === undefined || !versions.includes(target)) throw new Error(`Unknown model version ${target}.`);
  const steps = readSteps(folder).filter((s) => versions.indexOf(s.version) <= versions.indexOf(target));
  log(`Database: ${database.server.dialect} ${database.server.version} (${database.server.raw}).`);

  // Everything that changes the schema runs under the lock, partition maintenance included.
  const { applied, version } = await withLock(database, async () => {
    const before = await appliedHashes(database);
    // drizzle's public migrate() always applies the whole journal; its dialect's migrate() takes
    // the list of steps, which is what a target version needs (drizzle-orm is pinned).
    const internals = database.db as unknown as DrizzleMigratorInternals;
    await internals.dialect.migrate(
      steps.map((s) => s.meta),
      internals.session,
      { migrationsFolder: folder, migrationsTable: MIGRATIONS_TABLE },
    );
    const applied = steps.filter((s) => !before.has(s.meta.hash)).map((s) => s.tag);
    for (const tag of applied) log(`Applied migration ${tag}.`);

    await ensureMonthlyPartitions(database, { now: options.now, log });
    if (database.server.dialect === 'tidb') await applyTidbExtras(database, log);
    else log(`TiDB extras (TiFlash replicas, AUTO_RANDOM) skipped: the server is ${database.server.dialect}.`);

    const version = await currentVersion(database, folder);
    if (version === latest) await seed(database);
    return { applied, version };
  });
  return { applied, version, durationMs: performance.now() - started };
}

/** Undoes a model version with its hand-written rollback script, then forgets its steps. */
export async function rollback(
  database: Database,
  version: ModelVersion,
  options: { folder?: string; log?: (m: string) => void } = {},
) {
  const folder = options.folder ?? defaultMigrationsFolder();
  const script = path.join(folder, 'rollback', `v${version}.sql`);
  if (!existsSync(script)) throw new Error(`No rollback script for model version ${version}.`);
  if (version !== (await currentVersion(database, folder))) {
    throw new Error(`Model version ${version} is not the newest one applied; roll back newer versions first.`);
  }
  const statements = readFileSync(script, 'utf8')
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  const hashes = readSteps(folder)
    .filter((s) => s.version === version)
    .map((s) => s.meta.hash);
  await withLock(database, async () => {
    for (const statement of statements) await database.db.execute(sql.raw(statement));
    for (const hash of hashes) {
      await database.db.execute(sql`DELETE FROM ${sql.identifier(MIGRATIONS_TABLE)} WHERE hash = ${hash}`);
    }
  });
  options.log?.(`Rolled back model version ${version}.`);
}

async function appliedHashes(database: Database): Promise<Set<string>> {
  const [tables] = await database.pool.query(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [MIGRATIONS_TABLE],
  );
  if ((tables as unknown[]).length === 0) return new Set();
  const [rows] = await database.pool.query(`SELECT hash FROM \`${MIGRATIONS_TABLE}\``);
  return new Set((rows as Array<{ hash: string }>).map((r) => r.hash));
}

/** The newest model version whose steps are all applied, or null on an empty database. */
export async function currentVersion(
  database: Database,
  folder = defaultMigrationsFolder(),
): Promise<ModelVersion | null> {
  const applied = await appliedHashes(database);
  const steps = readSteps(folder);
  let version: ModelVersion | null = null;
  for (const candidate of modelVersions(folder)) {
    const own = steps.filter((s) => s.version === candidate);
    if (own.length > 0 && own.every((s) => applied.has(s.meta.hash))) version = candidate;
    else break;
  }
  return version;
}

function withLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  return withNamedLock(
    database.pool,
    LOCK_NAME,
    {
      timeoutSeconds: 120,
      busyMessage: 'Another process has been migrating this database for 2 minutes; try again later.',
    },
    work,
  );
}
