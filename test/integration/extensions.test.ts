import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { connect, type Database } from '../../src/db/connection.js';
import {
  auditLogs,
  dashboardVersions,
  extensionDashboards,
  projectExtensionMappings,
  projects,
} from '../../src/db/schema/index.js';
import { authorizeWidgetCommand } from '../../src/core/extensions/allowlist.js';
import { BUILTIN_TEMPLATES } from '../../src/core/extensions/builtin-templates.js';
import {
  approveTemplate,
  deleteTemplate,
  diffVersions,
  ensureBuiltinTemplates,
  exportTemplate,
  importTemplate,
  listTemplates,
  listVersions,
  proposeVersion,
  rollbackTemplate,
  templateConfigWithEdits,
  templateEditor,
  updateTemplateConfig,
} from '../../src/core/extensions/catalog.js';
import { TEMPLATE_FORMAT, type DashboardConfig, type TemplateFile } from '../../src/core/extensions/config.js';
import {
  effectiveDashboard,
  mapExtension,
  overridesForm,
  projectDashboards,
  reorderMappings,
  setCustomConfig,
  setMappingEnabled,
  setOverridesFromForm,
  syncProjectMappings,
  unmapExtension,
} from '../../src/core/extensions/mappings.js';
import { CockpitError } from '../../src/core/errors.js';
import { findProject } from '../../src/core/projects.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

const actor = 'dev@example.com';

const baseConfig: DashboardConfig = {
  title: 'Tool',
  layout: { columns: 2 },
  widgets: [
    { id: 'actions', type: 'commands', commands: [{ command: 'tool.run' }] },
    { id: 'note', type: 'markdown', markdown: 'First note.' },
  ],
};

function templateFile(overrides: Partial<TemplateFile> = {}): TemplateFile {
  return {
    format: TEMPLATE_FORMAT,
    extensionId: 'acme.tool',
    dashboardId: `tool-${randomUUID().slice(0, 8)}`,
    name: 'Acme tool',
    author: 'acme',
    version: '1.0.0',
    config: baseConfig,
    ...overrides,
  };
}

const rejection = (code: CockpitError['code'], message: RegExp, field?: string) => (error: unknown) => {
  assert.ok(error instanceof CockpitError, `expected a CockpitError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.match(error.message, message);
  if (field !== undefined) assert.equal(error.field, field);
  return true;
};

describe('extension dashboards on MariaDB', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database.drop());

  async function newProject(name = `Project ${randomUUID().slice(0, 6)}`) {
    const id = randomUUID();
    await database.db.insert(projects).values({ id, name, ownerUserId: actor });
    return id;
  }

  async function rows(templateId: string) {
    return database.db.select().from(extensionDashboards).where(eq(extensionDashboards.id, templateId));
  }

  describe('catalog import', () => {
    it('seeds the built-in templates once, approved, without counting downloads', async () => {
      const first = await ensureBuiltinTemplates(database.db, BUILTIN_TEMPLATES);
      assert.equal(first.created.length, BUILTIN_TEMPLATES.length);
      const again = await ensureBuiltinTemplates(database.db, BUILTIN_TEMPLATES);
      assert.deepEqual(again.created, []);
      const python = await listTemplates(database.db, 'MS-Python.Python');
      assert.equal(python.length, 1);
      assert.equal(python[0]?.communityApproved, true);
      assert.equal(python[0]?.downloadCount, 0);
      assert.equal(python[0]?.version, '1.0.0');
    });

    it('is idempotent: the same file imported twice is one row and one version; imports are counted', async () => {
      const file = templateFile();
      const first = await importTemplate(database.db, JSON.stringify(file), {
        actor,
        source: 'community',
        countDownload: true,
      });
      const second = await importTemplate(database.db, JSON.stringify(file), {
        actor,
        source: 'community',
        countDownload: true,
      });
      assert.equal(first.outcome, 'created');
      assert.equal(second.outcome, 'unchanged');
      assert.equal(second.template.id, first.template.id);
      const stored = await database.db
        .select()
        .from(extensionDashboards)
        .where(
          and(eq(extensionDashboards.extensionId, 'acme.tool'), eq(extensionDashboards.dashboardId, file.dashboardId)),
        );
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.downloadCount, 2);
      assert.equal(stored[0]?.communityApproved, false, 'a community template waits for approval');
      assert.equal((await listVersions(database.db, first.template.id)).length, 1);
    });

    it('concurrent imports of the same template converge on one row', async () => {
      const file = templateFile();
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => importTemplate(database.db, file, { actor, source: 'community', countDownload: true })),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled'],
      );
      const stored = await database.db
        .select()
        .from(extensionDashboards)
        .where(eq(extensionDashboards.dashboardId, file.dashboardId));
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.downloadCount, 3);
    });

    it('a higher version updates the config and needs approval again; a different config at a lower version is refused', async () => {
      const file = templateFile();
      const { template } = await importTemplate(database.db, file, { actor, source: 'community' });
      await approveTemplate(database.db, template.id, actor);
      const changed = { ...baseConfig, title: 'Tool 2' };
      await assert.rejects(
        importTemplate(database.db, { ...file, config: changed }, { actor, source: 'community' }),
        rejection('conflict', /at version 1\.0\.0 with a different configuration/, 'version'),
      );
      const updated = await importTemplate(
        database.db,
        { ...file, version: '1.1.0', config: changed },
        { actor, source: 'community' },
      );
      assert.equal(updated.outcome, 'updated');
      assert.equal(updated.template.version, '1.1.0');
      const [row] = await rows(template.id);
      assert.equal((row?.config as DashboardConfig).title, 'Tool 2');
      assert.equal(row?.communityApproved, false);
    });

    it('rejects invalid templates with the path of each invalid field, storing nothing', async () => {
      const before = await database.db.select().from(extensionDashboards);
      const bad = {
        ...templateFile(),
        version: 'one',
        config: {
          ...baseConfig,
          widgets: [{ id: 'x', type: 'links', links: [{ label: 'l', url: 'file:///etc/passwd' }] }],
        },
      };
      await assert.rejects(importTemplate(database.db, bad, { actor, source: 'community' }), (error: unknown) => {
        assert.ok(error instanceof CockpitError);
        assert.equal(error.field, 'version');
        assert.match(error.message, /version: a SemVer version/);
        assert.match(error.message, /config\.widgets\.0\.links\.0\.url: an http\(s\) URL/);
        return true;
      });
      await assert.rejects(importTemplate(database.db, '{"format":', { actor, source: 'community' }), /not valid JSON/);
      assert.equal((await database.db.select().from(extensionDashboards)).length, before.length);
    });

    it('exports a file that imports back unchanged', async () => {
      const file = templateFile({ description: 'd', changelog: 'first' });
      const { template } = await importTemplate(database.db, file, { actor, source: 'community' });
      const exported = await exportTemplate(database.db, template.id);
      assert.deepEqual(exported, file);
      const again = await importTemplate(database.db, JSON.parse(JSON.stringify(exported)), {
        actor,
        source: 'community',
      });
      assert.equal(again.outcome, 'unchanged');
    });
  });

  describe('versions', () => {
    it('writes a version per change, suggests the bump, requires a higher SemVer and rolls back as a new version', async () => {
      const { template } = await importTemplate(database.db, templateFile(), { actor, source: 'builtin' });
      const added = {
        ...baseConfig,
        widgets: [...baseConfig.widgets, { id: 'status', type: 'status', fields: ['version'] }],
      };
      assert.equal((await proposeVersion(database.db, template.id, added)).suggested, '1.1.0');
      const minor = await updateTemplateConfig(database.db, {
        templateId: template.id,
        config: added,
        changelog: 'Status',
        actor,
      });
      assert.deepEqual(minor, { version: '1.1.0', bump: 'minor', previous: '1.0.0' });

      const text = { ...added, title: 'Renamed' };
      await assert.rejects(
        updateTemplateConfig(database.db, { templateId: template.id, config: text, version: '1.1.0', actor }),
        rejection('invalid', /must be higher than the current version 1\.1\.0/, 'version'),
      );
      await assert.rejects(
        updateTemplateConfig(database.db, { templateId: template.id, config: text, version: '1.2', actor }),
        rejection('invalid', /not a SemVer version/, 'version'),
      );
      await assert.rejects(
        updateTemplateConfig(database.db, { templateId: template.id, config: added, actor }),
        rejection('invalid', /unchanged/),
      );
      const patch = await updateTemplateConfig(database.db, { templateId: template.id, config: text, actor });
      assert.equal(patch.version, '1.1.1');

      const removed = { ...text, widgets: text.widgets.slice(1) };
      const major = await updateTemplateConfig(database.db, {
        templateId: template.id,
        config: removed,
        version: '2.0.0-rc.1',
        actor,
      });
      assert.equal(major.bump, 'major');
      await assert.rejects(
        updateTemplateConfig(database.db, { templateId: template.id, config: text, version: '2.0.0-beta', actor }),
        rejection('invalid', /higher than the current version 2\.0\.0-rc\.1/),
      );

      const rolled = await rollbackTemplate(database.db, { templateId: template.id, toVersion: '1.0.0', actor });
      assert.equal(rolled.previous, '2.0.0-rc.1');
      assert.equal(rolled.version, '2.0.0', 'rollback is a new version above every existing one');
      const versions = await listVersions(database.db, template.id);
      assert.deepEqual(
        versions.map((v) => v.version),
        ['2.0.0', '2.0.0-rc.1', '1.1.1', '1.1.0', '1.0.0'],
      );
      assert.deepEqual(versions[0]?.config, versions.at(-1)?.config, 'the new version equals the old config');
      assert.equal(versions[0]?.changelog, 'Rolled back to version 1.0.0.');
      assert.equal(versions[0]?.createdBy, actor);
      const [row] = await rows(template.id);
      assert.deepEqual(row?.config, baseConfig);

      const diff = await diffVersions(database.db, template.id, '1.0.0', '1.1.1');
      assert.deepEqual(
        diff.map((d) => `${d.kind} ${d.path}`),
        ['changed title', 'added widgets[status]'],
      );
      await assert.rejects(
        rollbackTemplate(database.db, { templateId: template.id, toVersion: '9.9.9', actor }),
        rejection('not-found', /9\.9\.9/),
      );
    });

    it('two windows writing the same next version: one wins, the other gets a conflict', async () => {
      const { template } = await importTemplate(database.db, templateFile(), { actor, source: 'builtin' });
      const change = (title: string) =>
        updateTemplateConfig(database.db, {
          templateId: template.id,
          config: { ...baseConfig, title },
          version: '1.0.1',
          actor,
        });
      const results = await Promise.allSettled([change('A'), change('B')]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const failure = results.find((r) => r.status === 'rejected');
      assert.ok(failure && failure.status === 'rejected' && failure.reason instanceof CockpitError, String(failure));
      assert.equal((await listVersions(database.db, template.id)).length, 2);
    });
  });

  describe('forms generated from the template schema', () => {
    it('edits a template through its form as a new version, with the preview the editor shows', async () => {
      const { template } = await importTemplate(database.db, templateFile(), { actor, source: 'builtin' });
      const editor = await templateEditor(database.db, template.id);
      assert.equal(editor.version, '1.0.0');
      assert.deepEqual(JSON.parse(editor.json), baseConfig);
      assert.ok(editor.fields.some((f) => f.path === 'widgets.1.markdown' && f.value === 'First note.'));

      const edits = [
        { path: 'widgets.1.markdown', value: 'Second note.' },
        { path: 'layout.columns', value: 3 },
      ];
      const preview = await proposeVersion(
        database.db,
        template.id,
        await templateConfigWithEdits(database.db, template.id, edits),
      );
      assert.equal(preview.suggested, '1.0.1');
      assert.deepEqual(preview.diff.map((d) => d.path).sort(), ['layout.columns', 'widgets[note].markdown']);

      const saved = await updateTemplateConfig(database.db, {
        templateId: template.id,
        edits,
        changelog: 'Form',
        actor,
      });
      assert.equal(saved.version, '1.0.1');
      const after = await templateEditor(database.db, template.id);
      assert.equal(after.version, '1.0.1');
      assert.deepEqual(
        after.versions.map((v) => v.version),
        ['1.0.1', '1.0.0'],
      );
      assert.equal(after.versions[0]?.changelog, 'Form');
      const [row] = await rows(template.id);
      assert.deepEqual((row!.config as DashboardConfig).layout, { columns: 3 });

      await assert.rejects(
        updateTemplateConfig(database.db, {
          templateId: template.id,
          edits: [{ path: 'widgets.0.commands.0.command', value: 'not a command!' }],
          actor,
        }),
        rejection('invalid', /config\.widgets\.0\.commands\.0\.command: a command id/),
      );
      assert.equal((await listVersions(database.db, template.id)).length, 2, 'a refused edit writes no version');
    });

    it('stores only what differs from the template as overrides; the template value given back inherits again', async () => {
      const project = await newProject();
      const { template } = await importTemplate(database.db, templateFile({ extensionId: 'acme.form' }), {
        actor,
        source: 'builtin',
      });
      await mapExtension(database.db, { projectId: project, extensionId: 'acme.form', templateId: template.id, actor });
      const fields = await overridesForm(database.db, project, 'acme.form');
      assert.equal(fields.find((f) => f.path === 'title')?.value, 'Tool');
      assert.ok(fields.every((f) => !f.overridden));

      const merged = await setOverridesFromForm(database.db, {
        projectId: project,
        extensionId: 'ACME.form',
        edits: [
          { path: 'title', value: 'Our tool' },
          { path: 'widgets.1.markdown', value: 'Project note.' },
        ],
        actor,
      });
      assert.equal(merged.title, 'Our tool');
      const stored = async () =>
        (
          await database.db
            .select({ customConfig: projectExtensionMappings.customConfig })
            .from(projectExtensionMappings)
            .where(eq(projectExtensionMappings.projectId, project))
        )[0]?.customConfig;
      assert.deepEqual(await stored(), {
        title: 'Our tool',
        widgets: [baseConfig.widgets[0], { id: 'note', type: 'markdown', markdown: 'Project note.' }],
      });
      const shown = await overridesForm(database.db, project, 'acme.form');
      assert.equal(shown.find((f) => f.path === 'title')?.overridden, true);
      assert.equal(shown.find((f) => f.path === 'layout.columns')?.overridden, false);

      // A template change to a field the project does not override reaches the project.
      await updateTemplateConfig(database.db, {
        templateId: template.id,
        edits: [{ path: 'layout.columns', value: 1 }],
        actor,
      });
      const afterTemplateChange = await overridesForm(database.db, project, 'acme.form');
      assert.equal(afterTemplateChange.find((f) => f.path === 'layout.columns')?.value, 1);

      await setOverridesFromForm(database.db, {
        projectId: project,
        extensionId: 'acme.form',
        edits: [
          { path: 'title', value: 'Tool' },
          { path: 'widgets.1.markdown', value: 'First note.' },
        ],
        actor,
      });
      assert.equal(await stored(), null, 'back at the template values: no overrides left');

      await assert.rejects(
        setOverridesFromForm(database.db, {
          projectId: project,
          extensionId: 'acme.form',
          edits: [{ path: 'layout.columns', value: 9 }],
          actor,
        }),
        rejection('invalid', /custom_config\.layout\.columns/),
      );
      assert.equal(await stored(), null, 'a refused edit changes nothing');
    });
  });

  describe('mappings', () => {
    const installed = (ids: string[]) =>
      ids.map((id) => ({
        id,
        isBuiltin: id.startsWith('vscode.'),
        packageJSON: { contributes: { commands: [{ command: 'tool.run', title: 'Run' }] } },
      }));

    it('maps installed extensions with templates from a given list, disabled by default, and reports missing ones', async () => {
      const project = await newProject();
      const result = await syncProjectMappings(database.db, {
        projectId: project,
        installed: installed(['ms-python.python', 'Dbaeumer.VSCode-ESLint', 'vscode.git', 'nobody.nothing']),
        autoEnable: false,
        actor,
      });
      assert.deepEqual(result.created.sort(), ['dbaeumer.vscode-eslint', 'ms-python.python']);
      assert.deepEqual(
        result.states.map((s) => `${s.extensionId}=${s.state}`),
        ['dbaeumer.vscode-eslint=mapped', 'ms-python.python=mapped', 'nobody.nothing=unsupported'],
      );
      const again = await syncProjectMappings(database.db, {
        projectId: project,
        installed: installed(['ms-python.python']),
        autoEnable: true,
        actor,
      });
      assert.deepEqual(again.created, []);
      assert.deepEqual(again.missing, ['dbaeumer.vscode-eslint']);
      assert.equal(again.states.find((s) => s.extensionId === 'dbaeumer.vscode-eslint')?.state, 'missing');
      const stored = await database.db
        .select()
        .from(projectExtensionMappings)
        .where(eq(projectExtensionMappings.projectId, project));
      assert.equal(stored.length, 2, 'a missing extension keeps its mapping');
      assert.ok(stored.every((m) => !m.enabled));
      const audit = await database.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.action, 'extension_mapping.sync'), eq(auditLogs.resourceId, project)));
      assert.equal(audit.length, 1, 'a sync that creates nothing writes no audit row');

      const auto = await newProject();
      await syncProjectMappings(database.db, {
        projectId: auto,
        installed: installed(['eamodio.gitlens']),
        autoEnable: true,
        actor,
      });
      const [gitlens] = await projectDashboards(database.db, auto);
      assert.equal(gitlens?.enabled, true);
      assert.equal(gitlens?.config?.title, 'GitLens');
    });

    it('UNIQUE(project, extension): concurrent mapping attempts from two connections leave one mapping and no error', async () => {
      const second: Database = await connect(testConfig(database.config.database), { retries: 0 });
      try {
        const [python] = await listTemplates(database.db, 'ms-python.python');
        assert.ok(python);
        for (let round = 0; round < 5; round++) {
          const project = await newProject();
          const results: PromiseSettledResult<unknown>[] = await Promise.allSettled([
            mapExtension(database.db, {
              projectId: project,
              extensionId: 'ms-python.python',
              templateId: python.id,
              actor,
            }),
            mapExtension(second.db, {
              projectId: project,
              extensionId: 'MS-Python.python',
              templateId: python.id,
              actor,
            }),
            syncProjectMappings(second.db, {
              projectId: project,
              installed: installed(['ms-python.python']),
              autoEnable: false,
              actor,
            }),
          ]);
          for (const result of results)
            assert.equal(result.status, 'fulfilled', result.status === 'rejected' ? String(result.reason) : '');
          const stored = await database.db
            .select()
            .from(projectExtensionMappings)
            .where(eq(projectExtensionMappings.projectId, project));
          assert.equal(stored.length, 1);
        }
      } finally {
        await second.close();
      }
    });

    it('effective config = template deep-merged with overrides; position orders; enable/disable', async () => {
      const project = await newProject();
      const { template } = await importTemplate(database.db, templateFile({ extensionId: 'acme.merge' }), {
        actor,
        source: 'builtin',
      });
      const [eslint] = await listTemplates(database.db, 'dbaeumer.vscode-eslint');
      await mapExtension(database.db, {
        projectId: project,
        extensionId: 'dbaeumer.vscode-eslint',
        templateId: eslint!.id,
        actor,
      });
      await mapExtension(database.db, {
        projectId: project,
        extensionId: 'acme.merge',
        templateId: template.id,
        enabled: false,
        actor,
      });

      const merged = await setCustomConfig(database.db, {
        projectId: project,
        extensionId: 'acme.merge',
        customConfig: {
          title: 'Ours',
          layout: { columns: 1 },
          widgets: [{ id: 'only', type: 'markdown', markdown: 'replaced' }],
        },
        actor,
      });
      assert.equal(merged.title, 'Ours');
      assert.deepEqual(
        merged.widgets.map((w) => w.id),
        ['only'],
        'arrays are replaced, not merged',
      );
      await assert.rejects(
        setCustomConfig(database.db, {
          projectId: project,
          extensionId: 'acme.merge',
          customConfig: { widgets: [{ id: 'x', type: 'nope' }] },
          actor,
        }),
        rejection('invalid', /custom_config\.widgets\.0\.type/, 'custom_config.widgets.0.type'),
      );

      // The template evolves; the overrides keep applying on top of it.
      await updateTemplateConfig(database.db, {
        templateId: template.id,
        config: { ...baseConfig, description: 'from template' },
        actor,
      });
      await assert.rejects(effectiveDashboard(database.db, project, 'acme.merge'), rejection('forbidden', /disabled/));
      await setMappingEnabled(database.db, { projectId: project, extensionId: 'acme.merge', enabled: true, actor });
      const effective = await effectiveDashboard(database.db, project, 'acme.merge');
      assert.equal(effective.description, 'from template');
      assert.equal(effective.title, 'Ours');

      await reorderMappings(database.db, { projectId: project, extensionIds: ['acme.merge'], actor });
      assert.deepEqual(
        (await projectDashboards(database.db, project)).map((d) => `${d.position}:${d.extensionId}`),
        ['0:acme.merge', '1:dbaeumer.vscode-eslint'],
      );
      await assert.rejects(
        reorderMappings(database.db, { projectId: project, extensionIds: ['not.mapped'], actor }),
        rejection('invalid', /Not mapped in this project: not\.mapped/),
      );

      // Remapping to another template clears the overrides written for the old one.
      const other = await importTemplate(database.db, templateFile({ extensionId: 'acme.merge' }), {
        actor,
        source: 'builtin',
      });
      await mapExtension(database.db, {
        projectId: project,
        extensionId: 'acme.merge',
        templateId: other.template.id,
        actor,
      });
      const [first] = await projectDashboards(database.db, project);
      assert.equal(first?.customConfig, null);
      assert.equal(first?.config?.title, 'Tool');
    });

    it('refuses to map an unapproved template or a template of another extension', async () => {
      const project = await newProject();
      const { template } = await importTemplate(database.db, templateFile({ extensionId: 'acme.community' }), {
        actor,
        source: 'community',
      });
      await assert.rejects(
        mapExtension(database.db, {
          projectId: project,
          extensionId: 'acme.community',
          templateId: template.id,
          actor,
        }),
        rejection('forbidden', /not been approved/),
      );
      await assert.rejects(
        mapExtension(database.db, { projectId: project, extensionId: 'acme.other', templateId: template.id, actor }),
        rejection('invalid', /is for acme\.community, not acme\.other/),
      );
      await approveTemplate(database.db, template.id, actor);
      await mapExtension(database.db, {
        projectId: project,
        extensionId: 'acme.community',
        templateId: template.id,
        actor,
      });
    });

    it('RESTRICT: deleting a template in use is refused, naming the projects; unused, it goes with its versions', async () => {
      const alpha = await newProject('Alpha');
      const beta = await newProject('Beta');
      const { template } = await importTemplate(database.db, templateFile({ extensionId: 'acme.restrict' }), {
        actor,
        source: 'builtin',
      });
      for (const projectId of [beta, alpha]) {
        await mapExtension(database.db, { projectId, extensionId: 'acme.restrict', templateId: template.id, actor });
      }
      await assert.rejects(
        deleteTemplate(database.db, template.id, actor),
        rejection('conflict', /used by projects "Alpha", "Beta"/),
      );
      assert.equal((await rows(template.id)).length, 1);
      const failures = await database.db
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.action, 'extension_dashboard.delete'), eq(auditLogs.resourceId, template.id)));
      assert.deepEqual(
        failures.map((f) => f.status),
        ['failure'],
      );

      for (const projectId of [alpha, beta])
        await unmapExtension(database.db, { projectId, extensionId: 'acme.restrict', actor });
      await deleteTemplate(database.db, template.id, actor);
      assert.equal((await rows(template.id)).length, 0);
      const versions = await database.db
        .select()
        .from(dashboardVersions)
        .where(eq(dashboardVersions.dashboardId, template.id));
      assert.equal(versions.length, 0);
    });
  });

  it('a widget cannot trigger a command outside the allowlist of the effective dashboard', async () => {
    const project = await newProject();
    // A community template that lists a dangerous built-in command next to the extension's own one.
    const hostile = templateFile({
      extensionId: 'acme.hostile',
      config: {
        ...baseConfig,
        widgets: [
          {
            id: 'actions',
            type: 'commands',
            commands: [{ command: 'tool.run' }, { command: 'workbench.action.terminal.sendSequence' }],
          },
        ],
      },
    });
    const { template } = await importTemplate(database.db, hostile, { actor, source: 'community' });
    await approveTemplate(database.db, template.id, actor);
    await mapExtension(database.db, {
      projectId: project,
      extensionId: 'acme.hostile',
      templateId: template.id,
      actor,
    });
    const config = await effectiveDashboard(database.db, project, 'acme.hostile');
    const manifest = { contributes: { commands: [{ command: 'tool.run', title: 'Run' }] } };
    assert.deepEqual(authorizeWidgetCommand({ widgetId: 'actions', command: 'tool.run' }, config, manifest), {
      ok: true,
      value: 'tool.run',
    });
    const refused = authorizeWidgetCommand(
      { widgetId: 'actions', command: 'workbench.action.terminal.sendSequence' },
      config,
      manifest,
    );
    assert.equal(refused.ok, false);
    assert.equal(
      authorizeWidgetCommand({ widgetId: 'actions', command: 'workbench.action.files.delete' }, config, manifest).ok,
      false,
    );
  });

  it("finds the workspace's project by its link id, else by git remote in any usual spelling", async () => {
    const id = randomUUID();
    await database.db
      .insert(projects)
      .values({ id, name: 'Remote', ownerUserId: actor, gitRepository: 'https://github.com/acme/remote.git' });
    const found = (hints: { linkedProjectId?: string; gitRepository?: string }) =>
      findProject(database.db, hints).then((r) => r && [r.project.id, r.matchedBy]);
    assert.deepEqual(await found({ linkedProjectId: id }), [id, 'link']);
    assert.deepEqual(await found({ gitRepository: 'https://bot:secret@github.com/acme/remote/' }), [id, 'git']);
    assert.deepEqual(await found({ linkedProjectId: randomUUID(), gitRepository: 'git@github.com:acme/remote' }), [
      id,
      'git',
    ]);
    assert.equal(await found({ gitRepository: 'https://github.com/acme/other' }), undefined);
  });
});
