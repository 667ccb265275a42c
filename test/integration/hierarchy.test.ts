import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditTrail } from '../../src/core/audit.js';
import { CockpitError } from '../../src/core/errors.js';
import {
  createDashboard,
  createModule,
  createProfile,
  dashboardModules,
  deleteDashboard,
  deleteModule,
  deleteProfile,
  reorderProfiles,
  projectHierarchy,
  renameModule,
  reorderDashboards,
  reorderModules,
  restoreVersion,
  setModuleConfiguration,
  switchActiveDashboard,
  updateDashboard,
  updateProfile,
} from '../../src/core/hierarchy.js';
import { listVersions } from '../../src/core/history.js';
import {
  addChecklistItem,
  addDecision,
  pinFile,
  pinnedFileLocation,
  removeChecklistItem,
  setChecklistItemDone,
  setDecisionStatus,
  unpinFile,
} from '../../src/core/module-actions.js';
import { projectAuditTrail } from '../../src/core/project-audit.js';
import { createProjectFromTemplate, findProject, listWorkflowTemplates } from '../../src/core/projects.js';
import { connect, type Database } from '../../src/db/connection.js';
import {
  auditLogs,
  dashboards,
  modules,
  profiles,
  projects,
  templates,
  versionHistory,
} from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ACTOR = 'dev@example.com';

async function rejectsWith(run: () => Promise<unknown>, code: string, message?: RegExp, field?: string) {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof CockpitError, `expected CockpitError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  });
}

describe('hierarchy services', () => {
  let database: TestDatabase;
  let second: Database;
  before(async () => {
    database = await createTestDatabase();
    second = await connect(database.config, { retries: 0 });
  });
  after(async () => {
    await second.close();
    await database.drop();
  });

  async function emptyProject(): Promise<string> {
    const id = randomUUID();
    await database.db.insert(projects).values({ id, name: 'Empty', ownerUserId: ACTOR });
    return id;
  }

  async function countWhere(
    table: typeof projects | typeof profiles | typeof dashboards | typeof modules,
    column: any,
    value: string,
  ) {
    return (
      await database.db
        .select()
        .from(table as typeof projects)
        .where(eq(column, value))
    ).length;
  }

  describe('projects from templates', () => {
    it('lists the seeded workflow templates', async () => {
      const names = (await listWorkflowTemplates(database.db)).map((t) => t.name);
      assert.deepEqual(names, ['data_science', 'note_taking', 'vibe_coding']);
    });

    it('instantiates profiles, dashboards and modules with active dashboards and version 1 each', async () => {
      const result = await createProjectFromTemplate(database.db, ACTOR, {
        name: 'Demo',
        template: 'vibe_coding',
        gitRepository: 'https://example.com/demo.git',
      });
      assert.deepEqual(
        { ...result, projectId: undefined },
        { projectId: undefined, profiles: 2, dashboards: 3, modules: 6 },
      );
      const tree = await projectHierarchy(database.db, result.projectId);
      assert.deepEqual(
        tree.map((p) => [p.name, p.dashboards.map((d) => `${d.position}:${d.name}`)]),
        [
          ['Builder', ['0:Plan', '1:Ship']],
          ['Reviewer', ['0:Review']],
        ],
      );
      for (const profile of tree) assert.equal(profile.activeDashboardId, profile.dashboards[0]!.id);
      const plan = await dashboardModules(database.db, tree[0]!.dashboards[0]!.id);
      assert.deepEqual(
        plan.map((m) => [m.position, m.moduleType, m.content.kind]),
        [
          [0, 'checklist', 'checklist'],
          [1, 'decision_log', 'decision_log'],
        ],
      );
      const versions = await listVersions(database.db, 'module', plan[0]!.id);
      assert.deepEqual(
        versions.map((v) => [v.versionNumber, v.createdBy]),
        [[1, ACTOR]],
      );
      const [project] = await database.db.select().from(projects).where(eq(projects.id, result.projectId));
      assert.equal(project?.ownerUserId, ACTOR);
      assert.equal(project?.workflowTemplate, 'vibe_coding');
      const trail = await auditTrail(database.db, 'project', result.projectId);
      assert.equal(trail[0]?.action, 'project.create');
      assert.equal(trail[0]?.status, 'success');
      assert.equal(trail[0]?.userId, ACTOR);
    });

    it('leaves nothing behind when an insert fails midway, and audits the failure', async () => {
      const spec = {
        profiles: [
          {
            name: 'Fine',
            dashboards: [{ name: 'One', modules: [{ type: 'checklist', name: 'ok', configuration: { items: [] } }] }],
          },
          {
            name: 'Broken',
            dashboards: [{ name: 'Two', modules: [{ type: 'checklist', name: 'boom', configuration: { items: [] } }] }],
          },
        ],
      };
      await database.db
        .insert(templates)
        .values({ id: randomUUID(), name: 'boom_template', category: 'workflow', specification: spec });
      // A real failure inside the database after the project, profiles and dashboards are written.
      await database.pool.query(
        `CREATE TRIGGER modules_boom BEFORE INSERT ON modules FOR EACH ROW
         BEGIN IF NEW.name = 'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF; END`,
      );
      const before = await database.db.select({ id: projects.id }).from(projects);
      const versionsBefore = (await database.db.select({ id: versionHistory.id }).from(versionHistory)).length;
      try {
        await assert.rejects(
          createProjectFromTemplate(database.db, ACTOR, { name: 'Never', template: 'boom_template' }),
          /boom/,
        );
      } finally {
        await database.pool.query('DROP TRIGGER modules_boom');
      }
      assert.equal((await database.db.select({ id: projects.id }).from(projects)).length, before.length);
      assert.equal((await database.db.select().from(profiles).where(eq(profiles.name, 'Fine'))).length, 0);
      assert.equal((await database.db.select().from(dashboards).where(eq(dashboards.name, 'One'))).length, 0);
      assert.equal((await database.db.select().from(modules).where(eq(modules.name, 'ok'))).length, 0);
      assert.equal((await database.db.select({ id: versionHistory.id }).from(versionHistory)).length, versionsBefore);
      const failures = await database.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.action, 'project.create'), eq(auditLogs.status, 'failure')));
      assert.equal(failures.length, 1);
      assert.match(JSON.stringify(failures[0]?.metadata), /boom/);
    });

    it('refuses a missing template, an empty name, and a template with an invalid module configuration', async () => {
      await rejectsWith(
        () => createProjectFromTemplate(database.db, ACTOR, { name: 'X', template: 'nope' }),
        'not-found',
      );
      await rejectsWith(
        () => createProjectFromTemplate(database.db, ACTOR, { name: ' ', template: 'vibe_coding' }),
        'invalid',
        /name/,
        'name',
      );
      await database.db.insert(templates).values({
        id: randomUUID(),
        name: 'bad_config',
        category: 'workflow',
        specification: {
          profiles: [
            {
              name: 'P',
              dashboards: [{ name: 'D', modules: [{ type: 'checklist', name: 'c', configuration: { items: 3 } }] }],
            },
          ],
        },
      });
      await rejectsWith(
        () => createProjectFromTemplate(database.db, ACTOR, { name: 'X', template: 'bad_config' }),
        'invalid',
        /modules\.0: configuration\.items/,
      );
    });

    it('collects the audit trail of a whole project, newest first, successes and failures', async () => {
      const { projectId } = await createProjectFromTemplate(database.db, ACTOR, {
        name: 'Audited',
        template: 'data_science',
      });
      const [profile] = await projectHierarchy(database.db, projectId);
      const [experiments, data] = profile!.dashboards;
      await switchActiveDashboard(database.db, ACTOR, profile!.id, data!.id);
      const [plan] = await dashboardModules(database.db, experiments!.id);
      await addChecklistItem(database.db, ACTOR, plan!.id, 'Write it up');
      await rejectsWith(() => addChecklistItem(database.db, ACTOR, plan!.id, ''), 'invalid');
      const trail = await projectAuditTrail(database.db, projectId);
      assert.deepEqual(
        trail.map((t) => [t.action, t.status]),
        [
          ['module.checklist.add', 'failure'],
          ['module.checklist.add', 'success'],
          ['profile.switch_active', 'success'],
          ['project.create', 'success'],
        ],
      );
      assert.deepEqual(trail[2]?.metadata, { before: experiments!.id, after: data!.id });
      // Another project's rows are not included.
      assert.ok(trail.every((t) => t.userId === ACTOR));
    });

    it('finds a folder project by its link first, else by git remote', async () => {
      const a = await createProjectFromTemplate(database.db, ACTOR, {
        name: 'A',
        template: 'note_taking',
        gitRepository: 'git@h:o/a.git',
      });
      const b = await createProjectFromTemplate(database.db, ACTOR, { name: 'B', template: 'note_taking' });
      assert.deepEqual(
        await findProject(database.db, { gitRepository: 'git@h:o/a.git' }).then((r) => [r?.project.id, r?.matchedBy]),
        [a.projectId, 'git'],
      );
      assert.deepEqual(
        await findProject(database.db, { linkedProjectId: b.projectId, gitRepository: 'git@h:o/a.git' }).then((r) => [
          r?.project.id,
          r?.matchedBy,
        ]),
        [b.projectId, 'link'],
      );
      // A stale link falls back to the remote.
      assert.equal(
        (await findProject(database.db, { linkedProjectId: randomUUID(), gitRepository: 'git@h:o/a.git' }))?.matchedBy,
        'git',
      );
      assert.equal(await findProject(database.db, { gitRepository: 'git@h:o/none.git' }), undefined);
    });
  });

  describe('profiles and dashboards', () => {
    it('creates, renames, describes and deletes profiles with audit rows', async () => {
      const projectId = await emptyProject();
      const { id } = await createProfile(database.db, ACTOR, { projectId, name: 'Ops' });
      await updateProfile(database.db, ACTOR, id, { name: 'Operations', description: 'Keeping it running' });
      const [row] = await database.db.select().from(profiles).where(eq(profiles.id, id));
      assert.equal(row?.name, 'Operations');
      assert.equal(row?.description, 'Keeping it running');
      await rejectsWith(
        () => updateProfile(database.db, ACTOR, id, { name: 'x'.repeat(256) }),
        'invalid',
        /name/,
        'name',
      );
      await rejectsWith(
        () => createProfile(database.db, ACTOR, { projectId: randomUUID(), name: 'Orphan' }),
        'not-found',
      );
      await createDashboard(database.db, ACTOR, { profileId: id, name: 'Board' });
      await deleteProfile(database.db, ACTOR, id);
      assert.equal((await database.db.select().from(profiles).where(eq(profiles.id, id))).length, 0);
      assert.equal((await database.db.select().from(dashboards).where(eq(dashboards.profileId, id))).length, 0);
      const trail = await auditTrail(database.db, 'profile', id);
      assert.deepEqual(trail.map((t) => [t.action, t.status]).reverse(), [
        ['profile.create', 'success'],
        ['profile.update', 'success'],
        ['profile.update', 'failure'],
        ['profile.delete', 'success'],
      ]);
      assert.match(JSON.stringify(trail[1]?.metadata), /name: must be at most 255 characters/);
    });

    it('orders profiles, reorders them and closes gaps on delete', async () => {
      const projectId = await emptyProject();
      const a = await createProfile(database.db, ACTOR, { projectId, name: 'A' });
      const b = await createProfile(database.db, ACTOR, { projectId, name: 'B' });
      const c = await createProfile(database.db, ACTOR, { projectId, name: 'C' });
      await reorderProfiles(database.db, ACTOR, projectId, [c.id, a.id, b.id]);
      assert.deepEqual(
        (await projectHierarchy(database.db, projectId)).map((p) => p.name),
        ['C', 'A', 'B'],
      );
      await rejectsWith(() => reorderProfiles(database.db, ACTOR, projectId, [a.id, b.id]), 'conflict');
      await deleteProfile(database.db, ACTOR, a.id);
      const [rows] = await database.pool.query(
        'SELECT name, position FROM profiles WHERE project_id = ? ORDER BY position',
        [projectId],
      );
      assert.deepEqual(rows, [
        { name: 'C', position: 0 },
        { name: 'B', position: 1 },
      ]);
    });

    it('orders dashboards, makes the first one active, reorders and refuses a stale order', async () => {
      const projectId = await emptyProject();
      const { id: profileId } = await createProfile(database.db, ACTOR, { projectId, name: 'P' });
      const a = await createDashboard(database.db, ACTOR, { profileId, name: 'A' });
      const b = await createDashboard(database.db, ACTOR, { profileId, name: 'B' });
      const c = await createDashboard(database.db, ACTOR, { profileId, name: 'C' });
      assert.deepEqual([a.active, b.active, c.active], [true, false, false]);
      await reorderDashboards(database.db, ACTOR, profileId, [c.id, a.id, b.id]);
      let [tree] = await projectHierarchy(database.db, projectId);
      assert.deepEqual(
        tree!.dashboards.map((d) => `${d.position}:${d.name}`),
        ['0:C', '1:A', '2:B'],
      );
      await rejectsWith(() => reorderDashboards(database.db, ACTOR, profileId, [a.id, b.id]), 'conflict');
      await rejectsWith(() => reorderDashboards(database.db, ACTOR, profileId, [a.id, a.id, b.id]), 'invalid');
      await rejectsWith(() => reorderDashboards(database.db, ACTOR, profileId, [a.id, b.id, randomUUID()]), 'conflict');
      [tree] = await projectHierarchy(database.db, projectId);
      assert.deepEqual(
        tree!.dashboards.map((d) => d.name),
        ['C', 'A', 'B'],
      );
    });

    it('deleting the active dashboard activates the next by position, else the previous, else none', async () => {
      const projectId = await emptyProject();
      const { id: profileId } = await createProfile(database.db, ACTOR, { projectId, name: 'P' });
      const [a, b, c] = [
        await createDashboard(database.db, ACTOR, { profileId, name: 'A' }),
        await createDashboard(database.db, ACTOR, { profileId, name: 'B' }),
        await createDashboard(database.db, ACTOR, { profileId, name: 'C' }),
      ];
      await switchActiveDashboard(database.db, ACTOR, profileId, b.id);
      assert.deepEqual(await deleteDashboard(database.db, ACTOR, b.id), { activeDashboardId: c.id });
      let [tree] = await projectHierarchy(database.db, projectId);
      assert.deepEqual(
        tree!.dashboards.map((d) => `${d.position}:${d.name}`),
        ['0:A', '1:C'],
      );
      assert.deepEqual(await deleteDashboard(database.db, ACTOR, c.id), { activeDashboardId: a.id });
      // Deleting one that is not active keeps the active one.
      const d = await createDashboard(database.db, ACTOR, { profileId, name: 'D' });
      assert.deepEqual(await deleteDashboard(database.db, ACTOR, d.id), { activeDashboardId: a.id });
      assert.deepEqual(await deleteDashboard(database.db, ACTOR, a.id), { activeDashboardId: null });
      [tree] = await projectHierarchy(database.db, projectId);
      assert.equal(tree!.activeDashboardId, null);
      const [audit] = await auditTrail(database.db, 'dashboard', a.id);
      assert.deepEqual(audit?.metadata, { profileId, before: a.id, after: null, name: 'A' });
      await rejectsWith(() => deleteDashboard(database.db, ACTOR, a.id), 'not-found');
    });

    it('refuses switching to a dashboard of another profile and audits the refusal', async () => {
      const projectId = await emptyProject();
      const p1 = await createProfile(database.db, ACTOR, { projectId, name: 'P1' });
      const p2 = await createProfile(database.db, ACTOR, { projectId, name: 'P2' });
      const d1 = await createDashboard(database.db, ACTOR, { profileId: p1.id, name: 'D1' });
      const d2 = await createDashboard(database.db, ACTOR, { profileId: p2.id, name: 'D2' });
      await rejectsWith(() => switchActiveDashboard(database.db, ACTOR, p1.id, d2.id), 'invalid', /another profile/);
      await rejectsWith(() => switchActiveDashboard(database.db, ACTOR, p1.id, randomUUID()), 'not-found');
      const [row] = await database.db.select().from(profiles).where(eq(profiles.id, p1.id));
      assert.equal(row?.activeDashboardId, d1.id);
      const [audit] = await auditTrail(database.db, 'profile', p1.id);
      assert.equal(audit?.action, 'profile.switch_active');
      assert.equal(audit?.status, 'failure');
    });

    it('keeps every profile on one of its own dashboards under concurrent switches, creates and deletes', async () => {
      const projectId = await emptyProject();
      const p1 = await createProfile(database.db, ACTOR, { projectId, name: 'P1' });
      const p2 = await createProfile(database.db, ACTOR, { projectId, name: 'P2' });
      for (let i = 0; i < 4; i++) {
        await createDashboard(database.db, ACTOR, { profileId: p1.id, name: `A${i}` });
        await createDashboard(database.db, ACTOR, { profileId: p2.id, name: `B${i}` });
      }
      const windows = [database.db, second.db];
      let expectedRefusals = 0;
      let refusals = 0;
      const rounds = 40;
      for (let round = 0; round < rounds; round++) {
        const tree = await projectHierarchy(database.db, projectId);
        const ops = windows.map(async (db, w) => {
          const profile = tree[(round + w) % 2]!;
          const other = tree[(round + w + 1) % 2]!;
          const pick = (list: typeof profile.dashboards) => list[(round * 7 + w * 3) % list.length];
          const mine = pick(profile.dashboards);
          const step = (round + w) % 4;
          try {
            if (step === 0 && mine) await switchActiveDashboard(db, ACTOR, profile.id, mine.id);
            else if (step === 1 && mine) await deleteDashboard(db, ACTOR, mine.id);
            else if (step === 2) await createDashboard(db, ACTOR, { profileId: profile.id, name: `N${round}` });
            else {
              const foreign = pick(other.dashboards);
              if (foreign) {
                expectedRefusals++;
                await switchActiveDashboard(db, ACTOR, profile.id, foreign.id);
              }
            }
          } catch (error) {
            // The other window may have deleted the target meanwhile: refused cleanly, never half-done.
            assert.ok(error instanceof CockpitError, `round ${round}: ${String(error)}`);
            refusals++;
          }
        });
        // Both windows also race on the same dashboard of P1 every round.
        const race = tree[0]!.dashboards[round % Math.max(1, tree[0]!.dashboards.length)];
        if (race) {
          ops.push(
            ...windows.map((db) =>
              switchActiveDashboard(db, ACTOR, tree[0]!.id, race.id).then(
                () => undefined,
                (error: unknown) => assert.ok(error instanceof CockpitError, String(error)),
              ),
            ),
          );
        }
        await Promise.all(ops);
        const [rows] = await database.pool.query(
          `SELECT p.id, p.active_dashboard_id AS active, d.profile_id AS owner,
                  (SELECT COUNT(*) FROM dashboards x WHERE x.profile_id = p.id) AS n
             FROM profiles p LEFT JOIN dashboards d ON d.id = p.active_dashboard_id
            WHERE p.project_id = ?`,
          [projectId],
        );
        for (const row of rows as Array<{ id: string; active: string | null; owner: string | null; n: number }>) {
          if (Number(row.n) === 0) assert.equal(row.active, null, `round ${round}: empty profile points somewhere`);
          else assert.equal(row.owner, row.id, `round ${round}: profile ${row.id} points at ${row.active}`);
        }
        const [positions] = await database.pool.query(
          `SELECT profile_id, GROUP_CONCAT(position ORDER BY position) AS p, COUNT(*) AS n FROM dashboards
            WHERE profile_id IN (?, ?) GROUP BY profile_id`,
          [p1.id, p2.id],
        );
        for (const row of positions as Array<{ p: string; n: number }>) {
          assert.equal(row.p, [...Array(Number(row.n)).keys()].join(','), `round ${round}: positions ${row.p}`);
        }
      }
      assert.ok(refusals >= expectedRefusals, `${refusals} refusals, ${expectedRefusals} cross-profile switches`);
    });
  });

  describe('modules', () => {
    let dashboardId: string;
    let workspace: string;
    let outside: string;
    before(async () => {
      const projectId = await emptyProject();
      const { id: profileId } = await createProfile(database.db, ACTOR, { projectId, name: 'P' });
      dashboardId = (await createDashboard(database.db, ACTOR, { profileId, name: 'D' })).id;
      workspace = await mkdtemp(path.join(tmpdir(), 'cockpit-ws-'));
      outside = await mkdtemp(path.join(tmpdir(), 'cockpit-out-'));
      await mkdir(path.join(workspace, 'src'));
      await writeFile(path.join(workspace, 'src', 'a.ts'), 'a');
      await writeFile(path.join(outside, 'secret'), 's');
      await symlink(path.join(outside, 'secret'), path.join(workspace, 'link'));
    });
    after(async () => {
      await rm(workspace, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    });

    it('creates typed modules in order, refuses unknown types and invalid configurations naming the field', async () => {
      const a = await createModule(database.db, ACTOR, { dashboardId, moduleType: 'checklist', name: 'Todo' });
      const b = await createModule(database.db, ACTOR, {
        dashboardId,
        moduleType: 'decision_log',
        name: 'ADR',
        configuration: '{"entries": []}',
      });
      await rejectsWith(
        () => createModule(database.db, ACTOR, { dashboardId, moduleType: 'kanban', name: 'K' }),
        'invalid',
        /checklist, decision_log, file_manager/,
        'moduleType',
      );
      await rejectsWith(
        () =>
          createModule(database.db, ACTOR, {
            dashboardId,
            moduleType: 'checklist',
            name: 'X',
            configuration: '{"items":',
          }),
        'invalid',
        /not valid JSON/,
        'configuration',
      );
      await rejectsWith(
        () => setModuleConfiguration(database.db, ACTOR, a.id, { items: [{ text: 'x', done: 1 }] }),
        'invalid',
        /configuration\.items\.0\.done/,
        'configuration.items.0.done',
      );
      const list = await dashboardModules(database.db, dashboardId);
      assert.deepEqual(
        list.map((m) => [m.position, m.name]),
        [
          [0, 'Todo'],
          [1, 'ADR'],
        ],
      );
      await reorderModules(database.db, ACTOR, dashboardId, [b.id, a.id]);
      assert.deepEqual(
        (await dashboardModules(database.db, dashboardId)).map((m) => m.name),
        ['ADR', 'Todo'],
      );
      const failed = await auditTrail(database.db, 'module', a.id);
      assert.equal(failed[0]?.status, 'failure');
      assert.equal(failed[0]?.action, 'module.configure');
    });

    it('checks items, refuses stale edits, and versions every change; restore is a new version', async () => {
      const { id } = await createModule(database.db, ACTOR, { dashboardId, moduleType: 'checklist', name: 'Release' });
      await addChecklistItem(database.db, ACTOR, id, 'Tests pass');
      await addChecklistItem(database.db, ACTOR, id, 'Changelog');
      await setChecklistItemDone(database.db, ACTOR, id, { index: 0, text: 'Tests pass' }, true);
      await rejectsWith(
        () => setChecklistItemDone(database.db, ACTOR, id, { index: 1, text: 'Tests pass' }, true),
        'conflict',
      );
      await rejectsWith(() => addChecklistItem(database.db, ACTOR, id, '   '), 'invalid', /text/);
      await removeChecklistItem(database.db, ACTOR, id, { index: 1, text: 'Changelog' });
      let [module] = (await dashboardModules(database.db, dashboardId)).filter((m) => m.id === id);
      assert.equal(module?.content.kind, 'checklist');
      if (module?.content.kind === 'checklist') {
        assert.equal(module.content.configuration.items.length, 1);
        assert.equal(module.content.configuration.items[0]?.done, true);
        assert.match(module.content.configuration.items[0]?.doneAt ?? '', /Z$/);
      }
      await renameModule(database.db, ACTOR, id, 'Release v2');
      const versions = await listVersions(database.db, 'module', id);
      assert.deepEqual(
        versions.map((v) => v.versionNumber),
        [6, 5, 4, 3, 2, 1],
      );
      assert.match(versions[0]!.changeDescription ?? '', /Renamed from "Release"/);
      assert.match(versions[1]!.changeDescription ?? '', /Removed item "Changelog"/);
      // Back to version 3: both items, none checked, old name.
      assert.deepEqual(await restoreVersion(database.db, ACTOR, 'module', id, 3), { version: 7 });
      [module] = (await dashboardModules(database.db, dashboardId)).filter((m) => m.id === id);
      assert.equal(module?.name, 'Release');
      if (module?.content.kind === 'checklist') {
        assert.deepEqual(
          module.content.configuration.items.map((i) => [i.text, i.done]),
          [
            ['Tests pass', false],
            ['Changelog', false],
          ],
        );
      }
      const latest = await listVersions(database.db, 'module', id, 1);
      assert.equal(latest[0]?.changeDescription, 'Restored version 3');
      await rejectsWith(() => restoreVersion(database.db, ACTOR, 'module', id, 99), 'not-found');
      const trail = await auditTrail(database.db, 'module', id);
      assert.equal(trail[1]?.action, 'module.restore');
      assert.equal(trail[1]?.status, 'success');
    });

    it('logs decisions with a Zulu timestamp and the author, and changes their status', async () => {
      const { id } = await createModule(database.db, ACTOR, {
        dashboardId,
        moduleType: 'decision_log',
        name: 'Decisions',
      });
      // The panel passes its whole request (moduleId included): only the entry's fields are stored.
      const panelRequest = {
        moduleId: id,
        title: 'Use TiDB',
        context: 'HTAP',
        decision: 'Yes',
        status: 'proposed' as const,
      };
      await addDecision(database.db, ACTOR, id, panelRequest);
      await setDecisionStatus(database.db, ACTOR, id, { index: 0, title: 'Use TiDB' }, 'accepted');
      await rejectsWith(
        () => addDecision(database.db, ACTOR, id, { title: '', context: '', decision: '', status: 'proposed' }),
        'invalid',
        /configuration\.entries\.1\.title/,
      );
      const [module] = (await dashboardModules(database.db, dashboardId)).filter((m) => m.id === id);
      assert.equal(module?.content.kind, 'decision_log');
      if (module?.content.kind === 'decision_log') {
        const [entry] = module.content.configuration.entries;
        assert.equal(entry?.status, 'accepted');
        assert.equal(entry?.author, ACTOR);
        assert.match(entry?.timestamp ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/);
      }
    });

    it('pins files inside the workspace only and opens only pinned files', async () => {
      const { id } = await createModule(database.db, ACTOR, { dashboardId, moduleType: 'file_manager', name: 'Files' });
      await pinFile(database.db, ACTOR, id, workspace, 'src/a.ts');
      await rejectsWith(
        () => pinFile(database.db, ACTOR, id, workspace, path.join(workspace, 'src', 'a.ts')),
        'conflict',
      );
      await rejectsWith(() => pinFile(database.db, ACTOR, id, workspace, '../etc/passwd'), 'invalid', /\.\./, 'path');
      await rejectsWith(() => pinFile(database.db, ACTOR, id, workspace, path.join(outside, 'secret')), 'forbidden');
      await rejectsWith(() => pinFile(database.db, ACTOR, id, workspace, 'link'), 'forbidden', /symbolic link/);
      assert.equal(
        await pinnedFileLocation(database.db, id, workspace, 'src/a.ts'),
        path.join(workspace, 'src', 'a.ts'),
      );
      await rejectsWith(() => pinnedFileLocation(database.db, id, workspace, 'link'), 'not-found');
      // A configuration written by hand that points outside is refused at the door too.
      await rejectsWith(
        () => setModuleConfiguration(database.db, ACTOR, id, { files: [{ path: '../../x' }] }),
        'invalid',
        /configuration\.files\.0\.path/,
      );
      await unpinFile(database.db, ACTOR, id, 'src/a.ts');
      await rejectsWith(() => pinnedFileLocation(database.db, id, workspace, 'src/a.ts'), 'not-found');
    });

    it('keeps unknown module types read-only with their raw JSON, never dropping them', async () => {
      const id = randomUUID();
      await database.db.insert(modules).values({
        id,
        dashboardId,
        moduleType: 'kanban',
        name: 'Board',
        configuration: { columns: ['todo', 'done'] },
        position: 99,
      });
      const [module] = (await dashboardModules(database.db, dashboardId)).filter((m) => m.id === id);
      assert.equal(module?.content.kind, 'read-only');
      if (module?.content.kind === 'read-only')
        assert.deepEqual(JSON.parse(module.content.raw), { columns: ['todo', 'done'] });
      await rejectsWith(() => setModuleConfiguration(database.db, ACTOR, id, {}), 'forbidden', /read-only/);
      await renameModule(database.db, ACTOR, id, 'Kanban');
      const [row] = await database.db.select().from(modules).where(eq(modules.id, id));
      assert.deepEqual(row?.configuration, { columns: ['todo', 'done'] });
      await deleteModule(database.db, ACTOR, id);
      const positions = (await dashboardModules(database.db, dashboardId)).map((m) => m.position);
      assert.deepEqual(positions, [...positions.keys()]);
    });

    it('versions dashboards and restores a previous name', async () => {
      await updateDashboard(database.db, ACTOR, dashboardId, { name: 'Renamed', description: 'New' });
      const versions = await listVersions(database.db, 'dashboard', dashboardId);
      assert.deepEqual(
        versions.map((v) => v.versionNumber),
        [2, 1],
      );
      await restoreVersion(database.db, ACTOR, 'dashboard', dashboardId, 1);
      const [row] = await database.db.select().from(dashboards).where(eq(dashboards.id, dashboardId));
      assert.equal(row?.name, 'D');
      assert.equal(row?.description, null);
      assert.equal((await listVersions(database.db, 'dashboard', dashboardId))[0]?.versionNumber, 3);
    });
  });
});
