import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { dashboards, dashboardVersions, filesystemTimestamps, versionHistory } from '../../src/db/schema/index.js';
import { createSnapshot } from '../../src/core/snapshots/snapshots.js';
import { parseUtcMicros } from '../../src/core/time/instant.js';
import { COCKPIT_API_VERSION, fiveLayerView } from '../../src/core/time/layers.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedProject, type ProjectFixture } from '../support/project-fixture.js';

describe('the 5-layer view on MariaDB', () => {
  let database: TestDatabase;
  let fixture: ProjectFixture;
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=Tester', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();

  before(async () => {
    database = await createTestDatabase();
    fixture = await seedProject(database.db);
    repo = mkdtempSync(path.join(tmpdir(), 'cockpit-layers-'));
    git('init', '-q');
    writeFileSync(path.join(repo, 'notes.md'), 'one');
    git('add', '.');
    git('commit', '-q', '-m', 'add notes');
    writeFileSync(path.join(repo, 'other.txt'), 'x');
    git('add', '.');
    git('commit', '-q', '-m', 'other file');

    await database.db.insert(filesystemTimestamps).values([
      {
        id: randomUUID(),
        filePath: 'notes.md',
        atime: '2026-01-01 00:00:00.000001',
        mtime: '2026-01-01 00:00:00.000002',
        ctime: '2026-01-01 00:00:00.000003',
        capturedAt: '2026-01-01 00:00:01.000000',
        projectId: fixture.projectId,
      },
      {
        id: randomUUID(),
        filePath: 'notes.md',
        atime: '2026-01-02 00:00:00.000001',
        mtime: '2026-01-02 00:00:00.000002',
        ctime: '2026-01-02 00:00:00.000003',
        capturedAt: '2026-01-02 00:00:01.000000',
        projectId: fixture.projectId,
      },
      {
        id: randomUUID(),
        filePath: 'other.txt',
        atime: '2026-01-03 00:00:00.000000',
        mtime: '2026-01-03 00:00:00.000000',
        ctime: '2026-01-03 00:00:00.000000',
        capturedAt: '2026-01-03 00:00:01.000000',
        projectId: fixture.projectId,
      },
      {
        id: randomUUID(),
        filePath: 'notes.md',
        atime: '2026-01-04 00:00:00.000000',
        mtime: '2026-01-04 00:00:00.000000',
        ctime: '2026-01-04 00:00:00.000000',
        capturedAt: '2026-01-04 00:00:01.000000',
        projectId: 'another-project',
      },
    ]);
    // Dashboard versions as the hierarchy service records them, at known instants.
    const overview = fixture.dashboardIds[0]!;
    await database.db.insert(versionHistory).values([
      {
        id: randomUUID(),
        resourceType: 'dashboard',
        resourceId: overview,
        versionNumber: 1,
        snapshot: { name: 'Overview', layout: { columns: 1 } },
        createdBy: 't',
        createdAt: '2026-01-10 00:00:00.000000',
      },
      {
        id: randomUUID(),
        resourceType: 'dashboard',
        resourceId: overview,
        versionNumber: 2,
        snapshot: { name: 'Overview', layout: { columns: 2 } },
        createdBy: 't',
        createdAt: '2026-01-20 00:00:00.000000',
      },
    ]);
    await database.db.insert(dashboardVersions).values([
      { id: randomUUID(), dashboardId: fixture.templateId, version: '1.10.0', config: {} },
      { id: randomUUID(), dashboardId: fixture.templateId, version: '1.9.3', config: {} },
      { id: randomUUID(), dashboardId: fixture.templateId, version: '1.10.0-rc.1', config: {} },
    ]);
  });
  after(async () => {
    rmSync(repo, { recursive: true, force: true });
    await database.drop();
  });

  it('layer 3 falls back to version_history, labelled as such, and answers "as it was" at an instant', async () => {
    const between = await fiveLayerView(database, {
      projectId: fixture.projectId,
      cwd: null,
      atMicros: parseUtcMicros('2026-01-15 00:00:00'),
    });
    assert.equal(between.database.source, 'version_history');
    assert.match(between.database.label, /^MariaDB has no point-in-time reads: reconstructed from version_history/);
    assert.equal(between.database.at, '2026-01-15T00:00:00.000000Z');
    const overview = between.database.dashboards.find((d) => d.id === fixture.dashboardIds[0]);
    assert.deepEqual(overview?.state, { name: 'Overview', layout: { columns: 1 } });
    assert.equal(overview?.source, 'dashboard version 1');
    const files = between.database.dashboards.find((d) => d.id === fixture.dashboardIds[2]);
    assert.equal(files?.state, null, 'nothing recorded for this dashboard by then');

    const later = await fiveLayerView(database, {
      projectId: fixture.projectId,
      cwd: null,
      atMicros: parseUtcMicros('2026-01-25 00:00:00'),
    });
    assert.equal(
      later.database.dashboards.find((d) => d.id === fixture.dashboardIds[0])?.source,
      'dashboard version 2',
    );
  });

  it('a project snapshot answers for dashboards without versions of their own, and is layer 5', async () => {
    const snapshot = await createSnapshot(database, {
      projectId: fixture.projectId,
      description: 'layer five',
      createdBy: 't',
    });
    // A dashboard deleted since the snapshot still shows as it was.
    await database.db.delete(dashboards).where(eq(dashboards.id, fixture.dashboardIds[2]!));
    const view = await fiveLayerView(database, { projectId: fixture.projectId, cwd: null });
    const files = view.database.dashboards.find((d) => d.id === fixture.dashboardIds[2]);
    assert.equal(files?.source, `project snapshot ${snapshot.versionNumber}`);
    assert.equal(files?.name, 'Files');
    assert.equal((files?.state as { modules: unknown[] }).modules.length, 1);
    assert.deepEqual(
      view.snapshots.map((s) => s.description),
      ['layer five'],
    );
  });

  it('layers 1, 2 and 4 for the project and for one file', async () => {
    const project = await fiveLayerView(database, { projectId: fixture.projectId, cwd: repo });
    assert.deepEqual(
      project.filesystem.captures.map((c) => c.filePath),
      ['other.txt', 'notes.md', 'notes.md'],
    );
    assert.equal(project.filesystem.captures[1]?.mtime, '2026-01-02T00:00:00.000002Z');
    assert.ok(project.git.available);
    if (project.git.available) {
      assert.deepEqual(
        project.git.commits.map((c) => c.subject),
        ['other file', 'add notes'],
      );
      assert.equal(project.git.head?.sha, git('rev-parse', 'HEAD'));
      assert.match(project.git.head?.committerDate ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000000Z$/);
    }
    assert.equal(project.semver.api, COCKPIT_API_VERSION);
    assert.equal(project.semver.dashboards.find((d) => d.id === fixture.dashboardIds[0])?.versionNumber, 2);
    assert.equal(project.semver.dashboards.find((d) => d.id === fixture.dashboardIds[1])?.versionNumber, null);
    assert.deepEqual(
      project.semver.extensionTemplates.map((t) => t.version),
      ['1.10.0'],
    );

    const file = await fiveLayerView(database, {
      projectId: fixture.projectId,
      cwd: repo,
      file: { relativePath: 'notes.md', storedPaths: ['notes.md', path.join(repo, 'notes.md')] },
    });
    assert.equal(file.file, 'notes.md');
    assert.deepEqual(
      file.filesystem.captures.map((c) => c.capturedAt),
      ['2026-01-02T00:00:01.000000Z', '2026-01-01T00:00:01.000000Z'],
    );
    assert.ok(file.git.available);
    if (file.git.available) {
      assert.deepEqual(
        file.git.commits.map((c) => c.subject),
        ['add notes'],
      );
      assert.equal(file.git.head?.subject, 'other file');
    }
  });

  it('without a trusted folder git is not run; unknown projects and future instants are refused', async () => {
    const view = await fiveLayerView(database, { projectId: fixture.projectId, cwd: null });
    assert.deepEqual(view.git, { available: false, reason: 'No trusted project folder: git is not run.' });
    const notRepo = await fiveLayerView(database, { projectId: fixture.projectId, cwd: tmpdir() });
    assert.equal(notRepo.git.available, false);
    await assert.rejects(fiveLayerView(database, { projectId: 'nope', cwd: null }), { code: 'not-found' });
    await assert.rejects(
      fiveLayerView(database, { projectId: fixture.projectId, cwd: null, atMicros: Date.now() * 1000 + 3_600_000_000 }),
      {
        field: 'at',
      },
    );
  });
});
