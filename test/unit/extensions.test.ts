import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authorizeSettingUpdate,
  authorizeWidgetCommand,
  contributedCommands,
  contributedSettings,
} from '../../src/core/extensions/allowlist.js';
import { BUILTIN_TEMPLATES } from '../../src/core/extensions/builtin-templates.js';
import { parseDashboardConfig, parseTemplateFile, type DashboardConfig } from '../../src/core/extensions/config.js';
import { diffJson, suggestBump } from '../../src/core/extensions/diff.js';
import { deepMerge, effectiveConfig, validateCustomConfig } from '../../src/core/extensions/merge.js';
import {
  extensionStates,
  planMappings,
  type CatalogEntry,
  type InstalledExtension,
} from '../../src/core/extensions/plan.js';
import { bumpSemVer, compareSemVer, isSemVer, latestSemVer } from '../../src/core/extensions/semver.js';
import { CockpitError } from '../../src/core/errors.js';
import { dashboardView } from '../../src/core/extensions/view.js';

const config: DashboardConfig = {
  title: 'ESLint',
  layout: { columns: 2 },
  widgets: [
    {
      id: 'actions',
      type: 'commands',
      commands: [{ command: 'eslint.executeAutofix' }, { command: 'eslint.restart' }],
    },
    { id: 'settings', type: 'settings', keys: ['eslint.run', 'eslint.runtime', 'eslint.validate', 'eslint.missing'] },
    { id: 'note', type: 'markdown', markdown: 'hello' },
  ],
};

const manifest = {
  contributes: {
    commands: [
      { command: 'eslint.executeAutofix', title: 'Fix all auto-fixable Problems', category: 'ESLint' },
      { command: 'eslint.showOutputChannel', title: 'Show Output Channel' },
    ],
    configuration: {
      properties: {
        'eslint.run': { type: 'string', enum: ['onSave', 'onType'], scope: 'resource' },
        'eslint.runtime': { type: ['string', 'null'], scope: 'machine' },
        'eslint.validate': { type: 'array', scope: 'resource' },
      },
    },
  },
};

describe('dashboard template validation', () => {
  it('accepts every built-in template', () => {
    for (const file of BUILTIN_TEMPLATES) assert.doesNotThrow(() => parseTemplateFile(file));
  });

  it('names each invalid field by its path', () => {
    const file = {
      format: 'devguide-cockpit/extension-dashboard@1',
      extensionId: 'not an id',
      dashboardId: 'ok',
      name: 'x',
      version: '1.0',
      config: {
        title: '',
        layout: { columns: 9 },
        widgets: [
          { id: 'a', type: 'commands', commands: [{ command: 'rm -rf /' }] },
          { id: 'a', type: 'links', links: [{ label: 'x', url: 'javascript:alert(1)' }] },
          { id: 'b', type: 'chart' },
        ],
        widgtes: [],
      },
    };
    const error = (() => {
      try {
        parseTemplateFile(file);
      } catch (e) {
        return e as CockpitError;
      }
      throw new Error('accepted an invalid template');
    })();
    assert.ok(error instanceof CockpitError);
    assert.equal(error.code, 'invalid');
    assert.equal(error.field, 'extensionId');
    for (const path of [
      'extensionId',
      'version',
      'config.title',
      'config.layout.columns',
      'config.widgets.0.commands.0.command',
      'config.widgets.1.links.0.url',
      'config.widgets.2.type',
      'config',
    ]) {
      assert.match(error.message, new RegExp(`(^|[ ;:])${path.replace(/\./g, '\\.')}:`), `mentions ${path}`);
    }
    assert.match(error.message, /widgtes/);
  });

  it('reports duplicate widget ids at the duplicate', () => {
    assert.throws(
      () => parseDashboardConfig({ ...config, widgets: [config.widgets[2], config.widgets[2]] }),
      (e: CockpitError) => e.field === 'config.widgets.1.id' && /duplicate widget id "note"/.test(e.message),
    );
  });

  it('refuses text that is not JSON, with the parser message', () => {
    assert.throws(
      () => parseTemplateFile('{ "format": '),
      (e: CockpitError) => e.code === 'invalid' && /not valid JSON/.test(e.message),
    );
  });

  it('lowercases the extension id', () => {
    const file = parseTemplateFile({ ...(BUILTIN_TEMPLATES[0] as object), extensionId: 'MS-Python.Python' });
    assert.equal(file.extensionId, 'ms-python.python');
  });
});

describe('template inheritance (deep merge)', () => {
  it('merges objects, replaces arrays and scalars, deletes on null', () => {
    const base = { title: 'T', description: 'D', layout: { columns: 2, gap: 1 }, widgets: [1, 2, 3] };
    assert.deepEqual(deepMerge(base, { layout: { columns: 3 }, widgets: [9], description: null }), {
      title: 'T',
      layout: { columns: 3, gap: 1 },
      widgets: [9],
    });
    assert.deepEqual(base.layout, { columns: 2, gap: 1 }, 'the template is not mutated');
    assert.equal(deepMerge(base, undefined), base);
    assert.deepEqual(deepMerge({ a: { b: 1 } }, { a: 'x' }), { a: 'x' });
  });

  it('validates the merged result and names the field under custom_config', () => {
    assert.equal(effectiveConfig(config, { title: 'Lint' }).title, 'Lint');
    assert.equal(effectiveConfig(config, null).widgets.length, 3);
    assert.throws(
      () => validateCustomConfig(config, { layout: { columns: 0 } }),
      (e: CockpitError) => e.field === 'custom_config.layout.columns',
    );
    assert.throws(
      () => validateCustomConfig(config, [1]),
      (e: CockpitError) => e.field === 'custom_config',
    );
    assert.throws(
      () => validateCustomConfig(config, { title: null }),
      (e: CockpitError) => e.field === 'custom_config.title',
    );
  });
});

describe('SemVer', () => {
  it('validates', () => {
    for (const ok of ['0.0.0', '1.2.3', '1.0.0-rc.1', '1.0.0-alpha.beta+exp.sha.5114f85', '10.20.30'])
      assert.ok(isSemVer(ok), ok);
    for (const bad of ['1', '1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', '1.2.3.4', ' 1.2.3', ''])
      assert.ok(!isSemVer(bad), bad);
  });

  it('orders by precedence (semver.org §11)', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
      '10.0.0',
    ];
    for (let i = 1; i < ordered.length; i++)
      assert.ok(compareSemVer(ordered[i - 1]!, ordered[i]!) < 0, `${ordered[i - 1]} < ${ordered[i]}`);
    assert.equal(compareSemVer('1.0.0+a', '1.0.0+b'), 0);
    assert.equal(latestSemVer(['1.9.0', '1.10.0', '1.2.0']), '1.10.0');
  });

  it('bumps', () => {
    assert.equal(bumpSemVer('1.2.3', 'major'), '2.0.0');
    assert.equal(bumpSemVer('1.2.3', 'minor'), '1.3.0');
    assert.equal(bumpSemVer('1.2.3', 'patch'), '1.2.4');
    assert.equal(bumpSemVer('2.0.0-rc.1', 'major'), '2.0.0');
    assert.equal(bumpSemVer('2.1.0-rc.1', 'major'), '3.0.0');
    assert.equal(bumpSemVer('1.3.0-beta', 'minor'), '1.3.0');
    assert.equal(bumpSemVer('1.2.3-rc.1', 'patch'), '1.2.3');
    for (const v of ['1.2.3-rc.1', '2.0.0-a', '0.1.0-x.1'])
      for (const b of ['major', 'minor', 'patch'] as const)
        assert.ok(compareSemVer(bumpSemVer(v, b), v) > 0, `${v} ${b}`);
  });
});

describe('diff and suggested bump', () => {
  const withWidgets = (widgets: DashboardConfig['widgets']) => ({ ...config, widgets });
  it('suggests major for a removed widget, minor for an added one, patch for text', () => {
    assert.equal(suggestBump(config, config), 'none');
    assert.equal(suggestBump(config, withWidgets(config.widgets.slice(1))), 'major');
    assert.equal(
      suggestBump(config, withWidgets([...config.widgets, { id: 'x', type: 'markdown', markdown: '' }])),
      'minor',
    );
    assert.equal(suggestBump(config, { ...config, title: 'Lint' }), 'patch');
    assert.equal(
      suggestBump(config, withWidgets([{ id: 'actions', type: 'markdown', markdown: '' }, ...config.widgets.slice(1)])),
      'major',
      'a widget whose type changed is a removal',
    );
  });

  it('lists added, removed and changed paths; widgets matched by id', () => {
    const after = {
      ...config,
      title: 'Lint',
      description: 'new',
      widgets: [
        config.widgets[2]!,
        { ...config.widgets[0]!, title: 'Go' },
        { id: 'new', type: 'markdown', markdown: '' },
      ],
    };
    const diff = diffJson(config, after);
    assert.deepEqual(
      diff.map((d) => `${d.kind} ${d.path}`),
      [
        'changed title',
        'added widgets[actions].title',
        'removed widgets[settings]',
        'added widgets[new]',
        'reordered widgets',
        'added description',
      ],
    );
    assert.deepEqual(diffJson([1, 2], [1, 3, 4]), [
      { path: '[1]', kind: 'changed', before: 2, after: 3 },
      { path: '[2]', kind: 'added', after: 4 },
    ]);
  });
});

describe('the command and setting allowlist', () => {
  it('reads commands and settings from a manifest, tolerating malformed ones', () => {
    assert.deepEqual([...contributedCommands(manifest).keys()], ['eslint.executeAutofix', 'eslint.showOutputChannel']);
    assert.equal(
      contributedCommands(manifest).get('eslint.executeAutofix')?.title,
      'ESLint: Fix all auto-fixable Problems',
    );
    assert.equal(contributedCommands({ contributes: { commands: { command: 'one.cmd', title: 'One' } } }).size, 1);
    for (const junk of [null, 'x', {}, { contributes: { commands: [null, 3, { title: 'no id' }] } }]) {
      assert.equal(contributedCommands(junk).size, 0);
    }
    const sections = {
      contributes: { configuration: [{ properties: { 'a.b': { type: 'boolean' } } }, { properties: { 'a.c': {} } }] },
    };
    assert.deepEqual([...contributedSettings(sections).keys()], ['a.b', 'a.c']);
  });

  it('runs a command only when the widget lists it and the manifest contributes it', () => {
    assert.deepEqual(
      authorizeWidgetCommand({ widgetId: 'actions', command: 'eslint.executeAutofix' }, config, manifest),
      {
        ok: true,
        value: 'eslint.executeAutofix',
      },
    );
    const refused = [
      { widgetId: 'actions', command: 'workbench.action.terminal.sendSequence' }, // not in the widget
      { widgetId: 'actions', command: 'eslint.restart' }, // in the widget, not in the manifest
      { widgetId: 'actions', command: 'eslint.showOutputChannel' }, // in the manifest, not in the widget
      { widgetId: 'note', command: 'eslint.executeAutofix' }, // not a commands widget
      { widgetId: 'nope', command: 'eslint.executeAutofix' },
    ];
    for (const request of refused)
      assert.equal(authorizeWidgetCommand(request, config, manifest).ok, false, JSON.stringify(request));
    const hostile = {
      ...config,
      widgets: [
        { id: 'actions', type: 'commands' as const, commands: [{ command: 'workbench.action.terminal.sendSequence' }] },
      ],
    };
    assert.equal(
      authorizeWidgetCommand(
        { widgetId: 'actions', command: 'workbench.action.terminal.sendSequence' },
        hostile,
        manifest,
      ).ok,
      false,
    );
  });

  it('writes a setting only when declared, workspace-scoped and of the declared type/enum', () => {
    const ok = authorizeSettingUpdate({ widgetId: 'settings', key: 'eslint.run', value: 'onSave' }, config, manifest);
    assert.deepEqual(ok, { ok: true, value: { key: 'eslint.run', value: 'onSave' } });
    assert.equal(
      authorizeSettingUpdate({ widgetId: 'settings', key: 'eslint.run', value: undefined }, config, manifest).ok,
      true,
    );
    const refused: Array<[string, unknown, RegExp]> = [
      ['eslint.run', 'sometimes', /one of "onSave", "onType"/],
      ['eslint.run', 3, /type string/],
      ['eslint.runtime', '/usr/bin/node', /scope "machine"/],
      ['eslint.missing', true, /not declared/],
      ['editor.fontSize', 30, /does not show/],
      ['eslint.validate', 'x'.repeat(20_000), /type array|larger/],
    ];
    for (const [key, value, reason] of refused) {
      const result = authorizeSettingUpdate({ widgetId: 'settings', key, value }, config, manifest);
      assert.equal(result.ok, false, key);
      if (!result.ok) assert.match(result.reason, reason);
    }
  });
});

describe('mapping plan', () => {
  const installed: InstalledExtension[] = [
    { id: 'dbaeumer.vscode-eslint', isBuiltin: false, packageJSON: {} },
    { id: 'MS-Python.Python', isBuiltin: false, packageJSON: {} },
    { id: 'vscode.git', isBuiltin: true, packageJSON: {} },
    { id: 'someone.untemplated', isBuiltin: false, packageJSON: {} },
    { id: 'community.only', isBuiltin: false, packageJSON: {} },
  ];
  const catalog: CatalogEntry[] = [
    {
      id: 't-eslint',
      extensionId: 'dbaeumer.vscode-eslint',
      dashboardId: 'a',
      name: 'ESLint',
      communityApproved: true,
      downloadCount: 0,
    },
    {
      id: 't-eslint-popular',
      extensionId: 'dbaeumer.vscode-eslint',
      dashboardId: 'b',
      name: 'ESLint+',
      communityApproved: true,
      downloadCount: 7,
    },
    {
      id: 't-python',
      extensionId: 'ms-python.python',
      dashboardId: 'p',
      name: 'Python',
      communityApproved: true,
      downloadCount: 0,
    },
    {
      id: 't-git',
      extensionId: 'vscode.git',
      dashboardId: 'g',
      name: 'Git',
      communityApproved: true,
      downloadCount: 0,
    },
    {
      id: 't-community',
      extensionId: 'community.only',
      dashboardId: 'c',
      name: 'C',
      communityApproved: false,
      downloadCount: 99,
    },
    {
      id: 't-gitlens',
      extensionId: 'eamodio.gitlens',
      dashboardId: 'l',
      name: 'GitLens',
      communityApproved: true,
      downloadCount: 0,
    },
  ];

  it('creates disabled mappings for installed, non-built-in extensions with an approved template', () => {
    const existing = [
      { id: 'm1', extensionId: 'eamodio.gitlens', dashboardId: 't-gitlens', enabled: true, position: 4 },
    ];
    const plan = planMappings({ installed, catalog, mappings: existing, autoEnable: false });
    assert.deepEqual(plan.create, [
      { extensionId: 'dbaeumer.vscode-eslint', dashboardId: 't-eslint-popular', enabled: false, position: 5 },
      { extensionId: 'ms-python.python', dashboardId: 't-python', enabled: false, position: 6 },
    ]);
    assert.deepEqual(plan.missing, existing, 'GitLens is mapped but not installed');
    assert.ok(planMappings({ installed, catalog, mappings: [], autoEnable: true }).create.every((c) => c.enabled));
  });

  it('creates nothing for extensions already mapped (case-insensitively)', () => {
    const mappings = [
      { id: 'm1', extensionId: 'dbaeumer.vscode-eslint', dashboardId: 't-eslint', enabled: false, position: 0 },
      { id: 'm2', extensionId: 'ms-python.python', dashboardId: 't-python', enabled: true, position: 1 },
    ];
    assert.deepEqual(planMappings({ installed, catalog, mappings, autoEnable: true }), { create: [], missing: [] });
  });

  it('reports the state of each extension, mapped ones in position order', () => {
    const mappings = [
      { id: 'm1', extensionId: 'ms-python.python', dashboardId: 't-python', enabled: true, position: 0 },
      { id: 'm2', extensionId: 'dbaeumer.vscode-eslint', dashboardId: 't-eslint', enabled: false, position: 1 },
      { id: 'm3', extensionId: 'eamodio.gitlens', dashboardId: 't-gitlens', enabled: true, position: 2 },
    ];
    const states = extensionStates({ installed, catalog, mappings });
    assert.deepEqual(
      states.map((s) => `${s.extensionId}=${s.state}`),
      [
        'ms-python.python=enabled',
        'dbaeumer.vscode-eslint=mapped',
        'eamodio.gitlens=missing',
        'community.only=available',
        'someone.untemplated=unsupported',
      ],
    );
    assert.equal(states[1]?.templates[0]?.id, 't-eslint-popular', 'templates ranked: approved, then most imported');
  });
});

describe('dashboard view for the webview', () => {
  it('resolves command titles and allowlist, setting values and editability, status', () => {
    const withStatus: DashboardConfig = {
      ...config,
      widgets: [
        ...config.widgets,
        { id: 'status', type: 'status', fields: ['version', 'active', 'commands', 'settings'] },
      ],
    };
    const view = dashboardView('dbaeumer.vscode-eslint', withStatus, {
      packageJSON: manifest,
      version: '3.0.10',
      isActive: true,
      setting: (key) =>
        key === 'eslint.run' ? { value: 'onSave', setInWorkspace: true } : { value: undefined, setInWorkspace: false },
    });
    assert.equal(view.columns, 2);
    const [commands, settings, , status] = view.widgets;
    assert.deepEqual(commands?.type === 'commands' && commands.commands, [
      { command: 'eslint.executeAutofix', title: 'ESLint: Fix all auto-fixable Problems', allowed: true },
      { command: 'eslint.restart', title: 'eslint.restart', allowed: false },
    ]);
    assert.ok(settings?.type === 'settings');
    const byKey = Object.fromEntries(settings.settings.map((s) => [s.key, s]));
    assert.deepEqual(byKey['eslint.run'], {
      key: 'eslint.run',
      description: null,
      types: ['string'],
      enum: ['onSave', 'onType'],
      value: 'onSave',
      setInWorkspace: true,
      editable: true,
    });
    assert.equal(byKey['eslint.runtime']?.editable, false, 'machine scope');
    assert.equal(byKey['eslint.missing']?.editable, false, 'not declared');
    assert.deepEqual(status?.type === 'status' && status.items.map((i) => i.value), ['3.0.10', 'active', '2', '3']);
    const absent = dashboardView('x.y', withStatus, undefined);
    assert.ok(absent.widgets[0]?.type === 'commands' && absent.widgets[0].commands.every((c) => !c.allowed));
  });
});
