import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { and, count, eq, sql } from 'drizzle-orm';
import {
  apiConfigurations,
  auditLogs,
  dashboards,
  guardrails,
  modules,
  profiles,
  projectExtensionMappings,
  projects,
  versionHistory,
} from '../../src/db/schema/index.js';
import {
  createSnapshot,
  exportSnapshot,
  importSnapshot,
  listSnapshots,
  parseExportFile,
  previewRestore,
  restoreSnapshot,
} from '../../src/core/snapshots/snapshots.js';
import { readProjectState } from '../../src/core/snapshots/state.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedProject, type ProjectFixture } from '../support/project-fixture.js';

const actor = 'tester@example.com';

describe('project snapshots', () => {
  let database: TestDatabase;
  let fixture: ProjectFixture;

  before(async () => {
    database = await createTestDatabase();
    fixture = await seedProject(database.db);
  });
  after(() => database.drop());

  const state = () => readProjectState(database.db, fixture.projectId);
  const snapshotCount = async () =>
    (
      await database.db
        .select({ n: count() })
        .from(versionHistory)
        .where(and(eq(versionHistory.resourceType, 'project'), eq(versionHistory.resourceId, fixture.projectId)))
    )[0]!.n;

  /** Renames, deletes, adds and re-keys across every collection. */
  async function mutate() {
    const { db } = database;
    await db.update(projects).set({ name: 'Renamed' }).where(eq(projects.id, fixture.projectId));
    await db
      .update(dashboards)
      .set({ layout: { columns: 9 } })
      .where(eq(dashboards.id, fixture.dashboardIds[0]!));
    await db.delete(modules).where(eq(modules.id, fixture.moduleIds[1]!));
    await db.delete(profiles).where(eq(profiles.id, fixture.profileIds[1]!)); // cascades to a dashboard, module, capability
    await db
      .insert(dashboards)
      .values({ id: randomUUID(), profileId: fixture.profileIds[0]!, name: 'New', layout: {}, position: 5 });
    await db
      .update(apiConfigurations)
      .set({ apiKeyEncrypted: sql`UNHEX('00')` })
      .where(eq(apiConfigurations.provider, 'anthropic'));
    await db.delete(guardrails).where(eq(guardrails.projectId, fixture.projectId));
    await db
      .update(projectExtensionMappings)
      .set({ customConfig: { theme: 'light' } })
      .where(eq(projectExtensionMappings.projectId, fixture.projectId));
  }

  it('create stores one version_history row with the next version number', async () => {
    const first = await createSnapshot(database, {
      projectId: fixture.projectId,
      description: 'Before the sprint',
      createdBy: actor,
    });
    assert.equal(first.versionNumber, 1);
    assert.equal(first.description, 'Before the sprint');
    assert.deepEqual(first.counts, { profiles: 2, dashboards: 3, modules: 3 });
    assert.match(first.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const second = await createSnapshot(database, { projectId: fixture.projectId, createdBy: actor });
    assert.equal(second.versionNumber, 2);
    assert.deepEqual(
      (await listSnapshots(database.db, fixture.projectId)).map((s) => s.versionNumber),
      [2, 1],
    );
    const [row] = await database.db.select().from(versionHistory).where(eq(versionHistory.id, first.id));
    assert.equal(row?.resourceType, 'project');
    assert.equal(row?.resourceId, fixture.projectId);
    const audit = await database.db.select().from(auditLogs).where(eq(auditLogs.action, 'project.snapshot_create'));
    assert.equal(audit.length, 2);
  });

  it('keeps API key ciphertext as the exact stored bytes, base64, never decrypted', async () => {
    const snapshot = (await listSnapshots(database.db, fixture.projectId))[0]!;
    const file = await exportSnapshot(database.db, snapshot.id);
    const anthropic = file.document.state.apiConfigurations.find((a) => a.provider === 'anthropic');
    assert.equal(anthropic?.apiKeyEncrypted, fixture.ciphertext.toString('base64'));
    assert.equal(file.document.state.apiConfigurations.find((a) => a.provider === 'local')?.apiKeyEncrypted, null);
  });

  it('restore previews the changes, snapshots the current state, and round-trips to the original (deep equal)', async () => {
    const original = await state();
    const [v1] = (await listSnapshots(database.db, fixture.projectId)).slice(-1);
    await mutate();
    const mutated = await state();
    assert.notDeepEqual(mutated, original);

    const preview = await previewRestore(database.db, v1!.id);
    assert.deepEqual(await state(), mutated, 'a preview changes nothing');
    assert.deepEqual(preview.diff.project, ['name', 'updatedAt']);
    assert.deepEqual(
      preview.diff.collections.profiles.added.map((r) => r.label),
      ['Review'],
    );
    assert.deepEqual(
      preview.diff.collections.dashboards.removed.map((r) => r.label),
      ['New'],
    );
    assert.deepEqual(
      preview.diff.collections.dashboards.changed.map((r) => [r.label, r.fields.includes('layout')]),
      [['Overview', true]],
    );
    assert.deepEqual(
      preview.diff.collections.apiConfigurations.changed.map((r) => r.fields),
      [['apiKeyEncrypted', 'updatedAt']],
    );
    assert.ok(
      preview.summary.some((line) =>
        /^dashboards: 1 restored \(Files\), 1 removed \(New\), 1 changed \(Overview: layout, updatedAt\)$/.test(line),
      ),
      preview.summary.join('\n'),
    );
    assert.ok(!preview.summary.join('\n').includes(fixture.ciphertext.toString('base64')));

    const result = await restoreSnapshot(database, v1!.id, { createdBy: actor });
    assert.deepEqual(await state(), original, 'the restored state equals the snapshot');
    const [hex] = await database.db
      .select({ hex: sql<string>`HEX(${apiConfigurations.apiKeyEncrypted})` })
      .from(apiConfigurations)
      .where(eq(apiConfigurations.provider, 'anthropic'));
    assert.equal(hex?.hex, fixture.ciphertext.toString('hex').toUpperCase());

    // The automatic snapshot holds the mutated state: restoring it undoes the restore.
    assert.equal(result.safetySnapshot?.versionNumber, 3);
    const safety = (await listSnapshots(database.db, fixture.projectId))[0]!;
    assert.equal(safety.id, result.safetySnapshot?.id);
    assert.match(safety.description ?? '', /Automatic snapshot before restoring version 1/);
    await restoreSnapshot(database, safety.id, { createdBy: actor });
    assert.deepEqual(await state(), mutated);
    await restoreSnapshot(database, v1!.id, { createdBy: actor });
    assert.deepEqual(await state(), original);
  });

  it('restore is atomic: a failure on the last insert changes nothing, not even the safety snapshot', async () => {
    const [v1] = (await listSnapshots(database.db, fixture.projectId)).slice(-1);
    await mutate();
    const before = await state();
    const versions = await snapshotCount();
    // The database itself fails the last step of the restore (API configurations are inserted last).
    await database.pool.query(
      "CREATE TRIGGER fail_restore BEFORE INSERT ON api_configurations FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'",
    );
    try {
      await assert.rejects(restoreSnapshot(database, v1!.id, { createdBy: actor }), (error: Error) => {
        assert.equal(error.message, 'Database error: injected failure');
        return true;
      });
    } finally {
      await database.pool.query('DROP TRIGGER fail_restore');
    }
    assert.deepEqual(await state(), before);
    assert.equal(await snapshotCount(), versions);
    const failures = await database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'project.snapshot_restore'), eq(auditLogs.status, 'failure')));
    assert.equal(failures.length, 1);
    const failureText = JSON.stringify(failures[0]?.metadata);
    assert.match(failureText, /injected failure/);
    assert.ok(
      !failureText.toLowerCase().includes(fixture.ciphertext.toString('hex')),
      'no bound parameters in the audit row',
    );
    await restoreSnapshot(database, v1!.id, { createdBy: actor });
  });

  it('export → import → restore reproduces the state, including into a database without the project', async () => {
    const original = await state();
    const [v1] = (await listSnapshots(database.db, fixture.projectId)).slice(-1);
    const text = JSON.stringify(await exportSnapshot(database.db, v1!.id), null, 2);

    const imported = await importSnapshot(database, text, { createdBy: actor, source: 'v1.json' });
    assert.equal(imported.projectId, fixture.projectId);
    assert.match(
      imported.description ?? '',
      /^Before the sprint \(imported from v1\.json; version 1 of .*Z by tester@example\.com\)$/,
    );
    await mutate();
    await restoreSnapshot(database, imported.id, { createdBy: actor });
    assert.deepEqual(await state(), original);

    const other = await createTestDatabase();
    try {
      await other.db.insert((await import('../../src/db/schema/index.js')).extensionDashboards).values({
        id: fixture.templateId,
        extensionId: 'test.template',
        dashboardId: 'main',
        name: 'Same template',
        config: {},
      });
      const there = await importSnapshot(other, text, { createdBy: actor });
      assert.equal(there.versionNumber, 1);
      const preview = await previewRestore(other.db, there.id);
      assert.equal(preview.diff.project, null);
      assert.match(preview.summary[0] ?? '', /re-created/);
      await restoreSnapshot(other, there.id, { createdBy: actor });
      assert.deepEqual(await readProjectState(other.db, fixture.projectId), original);
    } finally {
      await other.drop();
    }
  });

  it('refuses to restore mappings to dashboard templates that are not installed, changing nothing', async () => {
    const other = await createTestDatabase();
    try {
      const [v1] = (await listSnapshots(database.db, fixture.projectId)).slice(-1);
      const there = await importSnapshot(other, JSON.stringify(await exportSnapshot(database.db, v1!.id)), {
        createdBy: actor,
      });
      await assert.rejects(restoreSnapshot(other, there.id, { createdBy: actor }), {
        code: 'conflict',
        message: new RegExp(`not installed: ${fixture.templateId}`),
      });
      assert.equal((await other.db.select().from(projects)).length, 0);
    } finally {
      await other.drop();
    }
  });

  it('validation errors of an imported file name the field', async () => {
    const [v1] = (await listSnapshots(database.db, fixture.projectId)).slice(-1);
    const good = await exportSnapshot(database.db, v1!.id);
    const tamper = (change: (file: any) => void) => {
      const copy = structuredClone(good) as any;
      change(copy);
      return JSON.stringify(copy);
    };
    const cases: Array<[string, string, RegExp]> = [
      [tamper((f) => (f.document.state.modules[0].name = 42)), 'document.state.modules.0.name', /expected string/],
      [
        tamper((f) => (f.document.state.modules[0].dashboardId = 'gone')),
        'document.state.modules.0.dashboardId',
        /dashboard gone is not in the snapshot/,
      ],
      [
        tamper((f) => (f.document.state.apiConfigurations[0].apiKeyEncrypted = 'not base64!')),
        'document.state.apiConfigurations.0.apiKeyEncrypted',
        /base64/,
      ],
      [
        tamper((f) => (f.document.state.project.createdAt = '2026-01-01T00:00:00Z')),
        'document.state.project.createdAt',
        /UTC timestamp/,
      ],
      [tamper((f) => (f.format = 'something-else')), 'format', /.+/],
      [tamper((f) => (f.document.state.profiles[0].unexpected = true)), 'document.state.profiles.0', /unexpected/i],
      [tamper((f) => (f.snapshot.projectId = 'another')), 'snapshot.projectId', /differs/],
    ];
    for (const [text, field, message] of cases) {
      assert.throws(
        () => parseExportFile(text),
        (error: any) => {
          assert.equal(error.code, 'invalid');
          assert.equal(error.field, field);
          assert.match(error.message, message);
          assert.ok(error.message.includes(field), error.message);
          return true;
        },
      );
    }
    assert.throws(() => parseExportFile('{"format": '), /not valid JSON/);
    const versions = await snapshotCount();
    await assert.rejects(
      importSnapshot(database, cases[0]![0], { createdBy: actor }),
      /document\.state\.modules\.0\.name/,
    );
    assert.equal(await snapshotCount(), versions, 'a refused import stores nothing');
  });

  it('records git HEAD and creates the optional tag; a bad tag name stores nothing', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'cockpit-snapshot-git-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
      git('init', '-q');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=T', 'commit', '-q', '--allow-empty', '-m', 'first');
      const head = git('rev-parse', 'HEAD');
      const tagged = await createSnapshot(database, {
        projectId: fixture.projectId,
        createdBy: actor,
        cwd: repo,
        gitTag: 'cockpit-snap-1',
      });
      assert.equal(tagged.gitHead, head);
      assert.equal(tagged.gitTag, 'cockpit-snap-1');
      assert.equal(git('rev-parse', 'cockpit-snap-1'), head);

      const versions = await snapshotCount();
      await assert.rejects(
        createSnapshot(database, { projectId: fixture.projectId, createdBy: actor, cwd: repo, gitTag: 'bad..name' }),
        {
          field: 'gitTag',
        },
      );
      // An existing tag makes git fail inside the transaction: the row is rolled back.
      await assert.rejects(
        createSnapshot(database, {
          projectId: fixture.projectId,
          createdBy: actor,
          cwd: repo,
          gitTag: 'cockpit-snap-1',
        }),
        /already exists/,
      );
      assert.equal(await snapshotCount(), versions);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('unknown projects and snapshots are clear not-found errors', async () => {
    await assert.rejects(createSnapshot(database, { projectId: 'nope', createdBy: actor }), {
      code: 'not-found',
      message: 'Project nope does not exist.',
    });
    await assert.rejects(restoreSnapshot(database, 'nope', { createdBy: actor }), { code: 'not-found' });
  });
});
