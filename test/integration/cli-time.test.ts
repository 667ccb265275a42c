import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { projects } from '../../src/db/schema/index.js';
import { readProjectState } from '../../src/core/snapshots/state.js';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../support/database.js';
import { seedProject, type ProjectFixture } from '../support/project-fixture.js';
import { startFakeSntpServer, type FakeSntpServer } from '../support/sntp-server.js';

const BIN = path.resolve(__dirname, '../../bin/cockpit');

describe('bin/cockpit snapshot and clock (needs `npm run build`)', () => {
  let database: TestDatabase;
  let fixture: ProjectFixture;
  let ntp: FakeSntpServer;
  let folder: string;

  /** Async, so the loopback SNTP server in this process can answer while the CLI runs. */
  const cockpit = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: folder,
          env: {
            PATH: process.env.PATH,
            COCKPIT_DATABASE_URL: `${TEST_SERVER_URL.replace(/\/?$/, '/')}${database.config.database}`,
          },
        },
        (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
      );
    });

  before(async () => {
    database = await createTestDatabase();
    fixture = await seedProject(database.db);
    ntp = await startFakeSntpServer({ offsetMicros: 2_000, stratum: 2 });
    folder = mkdtempSync(path.join(tmpdir(), 'cockpit-cli-time-'));
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await ntp.close();
    await database.drop();
  });

  it('create prints the id; list --json; export; import; restore round-trips', async () => {
    const original = await readProjectState(database.db, fixture.projectId);
    const created = await cockpit([
      'snapshot',
      'create',
      '--project',
      fixture.projectId,
      '--description',
      'from the CLI',
    ]);
    assert.equal(created.status, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(id, /^[0-9a-f-]{36}$/);

    const listed = await cockpit(['snapshot', 'list', '--project', fixture.projectId, '--json']);
    assert.equal(listed.status, 0, listed.stderr);
    const list = JSON.parse(listed.stdout);
    assert.deepEqual(
      list.map((s: { id: string; versionNumber: number; description: string }) => [
        s.id,
        s.versionNumber,
        s.description,
      ]),
      [[id, 1, 'from the CLI']],
    );

    const file = path.join(folder, 'snapshot.json');
    const exported = await cockpit(['snapshot', 'export', id, '--out', file]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).snapshot.id, id);

    const imported = await cockpit(['snapshot', 'import', file]);
    assert.equal(imported.status, 0, imported.stderr);
    const importedId = imported.stdout.trim();
    assert.notEqual(importedId, id);

    await database.db.update(projects).set({ name: 'Changed by hand' }).where(eq(projects.id, fixture.projectId));
    const dryRun = await cockpit(['snapshot', 'restore', importedId, '--dry-run']);
    assert.equal(dryRun.stdout.trim(), 'project: name, updatedAt');
    assert.equal((await readProjectState(database.db, fixture.projectId)).project.name, 'Changed by hand');

    const restored = await cockpit(['snapshot', 'restore', importedId]);
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stderr, /Restored version 2 of project .* The previous state is snapshot .* \(version 3\)\./);
    assert.deepEqual(await readProjectState(database.db, fixture.projectId), original);
  });

  it('import names the bad field; unknown snapshot and missing arguments fail clearly', async () => {
    const bad = path.join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'devguide-cockpit/project-snapshot-export', formatVersion: 1 }));
    const result = await cockpit(['snapshot', 'import', bad]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^cockpit snapshot: Invalid snapshot file: exportedAt: /);

    const missing = await cockpit(['snapshot', 'restore', '00000000-0000-0000-0000-000000000000']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Project snapshot 00000000-0000-0000-0000-000000000000 does not exist\./);
    assert.equal((await cockpit(['snapshot', 'create'])).status, 2);
    assert.equal((await cockpit(['snapshot', 'frobnicate'])).status, 2);
  });

  it('clock check --json prints one entry per component and records them', async () => {
    const result = await cockpit([
      'clock',
      'check',
      '--json',
      '--ntp-server',
      ntp.address,
      '--ntp-server',
      '127.0.0.1:9',
      '--samples',
      '3',
    ]);
    // A machine running chrony adds a `host (chrony)` entry; it is not what this test is about.
    const entries = (JSON.parse(result.stdout) as Array<Record<string, unknown>>).filter(
      (e) => e.name !== 'host (chrony)',
    );
    const byProtocol = entries.map((e) => [e.protocol, e.status]);
    assert.deepEqual(
      byProtocol.sort(),
      [
        ['NTP', 'error'],
        ['NTP', 'synchronized'],
        ['Server', 'synchronized'],
      ],
      result.stderr,
    );
    for (const entry of entries) {
      assert.deepEqual(Object.keys(entry).slice(0, 4), ['name', 'protocol', 'offset_microseconds', 'status']);
      assert.equal(typeof entry.offset_microseconds, 'number');
    }
    assert.equal(result.status, 1, 'an unreachable component makes the check fail');
    const [rows] = await database.pool.query('SELECT COUNT(*) AS n FROM clock_sync_status');
    assert.equal(Number((rows as Array<{ n: unknown }>)[0]?.n), JSON.parse(result.stdout).length);

    const healthy = await cockpit(['clock', 'check', '--ntp-server', ntp.address]);
    assert.equal(healthy.status, 0, healthy.stdout + healthy.stderr);
    assert.match(healthy.stdout, /^synchronized Server {2}database root@127\.0\.0\.1:3306\//m);
  });
});
