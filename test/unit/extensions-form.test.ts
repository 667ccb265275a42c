import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardConfig } from '../../src/core/extensions/config.js';
import { applyFormEdits, configFormFields, minimalOverride } from '../../src/core/extensions/form.js';
import { deepMerge, effectiveConfig } from '../../src/core/extensions/merge.js';
import { CockpitError } from '../../src/core/errors.js';

const template: DashboardConfig = {
  title: 'ESLint',
  layout: { columns: 2 },
  widgets: [
    {
      id: 'actions',
      type: 'commands',
      title: 'Actions',
      commands: [{ command: 'eslint.executeAutofix', title: 'Fix all' }],
    },
    { id: 'settings', type: 'settings', keys: ['eslint.run'] },
    { id: 'status', type: 'status', fields: ['version', 'active'] },
  ],
};

const byPath = (config: unknown) => new Map(configFormFields(template, config).map((f) => [f.path, f]));

describe('forms generated from the dashboard schema', () => {
  it('has a field for every scalar of the schema, grouped per widget, with kinds and limits from the schema', () => {
    const fields = byPath(template);
    const summary = (path: string) => {
      const f = fields.get(path);
      return f && { kind: f.kind, group: f.group, label: f.label, required: f.required };
    };
    assert.deepEqual(summary('title'), { kind: 'text', group: 'Dashboard', label: 'Title', required: true });
    assert.deepEqual(summary('description'), {
      kind: 'textarea',
      group: 'Dashboard',
      label: 'Description',
      required: false,
    });
    assert.deepEqual(summary('layout.columns'), {
      kind: 'integer',
      group: 'Dashboard',
      label: 'Layout › Columns',
      required: true,
    });
    assert.equal(fields.get('layout.columns')?.min, 1);
    assert.equal(fields.get('layout.columns')?.max, 4);
    assert.deepEqual(summary('widgets.0.title'), {
      kind: 'text',
      group: 'Widget 1 · commands · actions',
      label: 'Title',
      required: false,
    });
    assert.equal(fields.get('widgets.0.span')?.kind, 'integer');
    assert.equal(fields.get('widgets.0.commands.0.command')?.label, 'Command 1 › Command');
    assert.equal(fields.get('widgets.1.keys')?.kind, 'list');
    assert.deepEqual(fields.get('widgets.2.fields')?.options, ['version', 'active', 'commands', 'settings']);
    // Widget ids are fields; the discriminating `type` is not (changing it is a new widget).
    assert.ok(fields.has('widgets.0.id'));
    assert.ok(![...fields.keys()].some((p) => p.endsWith('.type')));
  });

  it('marks the fields whose value differs from the template', () => {
    const effective = effectiveConfig(template, { title: 'Lint', layout: { columns: 3 } });
    const fields = byPath(effective);
    assert.equal(fields.get('title')?.overridden, true);
    assert.equal(fields.get('title')?.templateValue, 'ESLint');
    assert.equal(fields.get('layout.columns')?.overridden, true);
    assert.equal(fields.get('widgets.0.title')?.overridden, false);
  });

  it('applies typed edits and refuses unknown paths, wrong kinds, values outside the choices and removing required values', () => {
    const fields = configFormFields(template, template);
    const edited = applyFormEdits(template, fields, [
      { path: 'title', value: 'Lint' },
      { path: 'description', value: 'Our rules' },
      { path: 'widgets.0.span', value: 2 },
      { path: 'widgets.2.fields', value: ['version'] },
      { path: 'widgets.0.title', value: null },
    ]) as DashboardConfig;
    assert.equal(edited.title, 'Lint');
    assert.equal(edited.description, 'Our rules');
    assert.deepEqual(edited.widgets[0], {
      id: 'actions',
      type: 'commands',
      span: 2,
      commands: [{ command: 'eslint.executeAutofix', title: 'Fix all' }],
    });
    assert.deepEqual(edited.widgets[2], { id: 'status', type: 'status', fields: ['version'] });
    assert.equal(template.title, 'ESLint', 'the input is not modified');

    const refused = (edit: { path: string; value: never }, message: RegExp) =>
      assert.throws(
        () => applyFormEdits(template, fields, [edit]),
        (error: unknown) =>
          error instanceof CockpitError &&
          error.code === 'invalid' &&
          error.field === edit.path &&
          message.test(error.message),
      );
    refused({ path: 'widgets.0.__proto__', value: 'x' as never }, /no field/);
    refused({ path: 'widgets.0.type', value: 'links' as never }, /no field/);
    refused({ path: 'layout.columns', value: '3' as never }, /whole number/);
    refused({ path: 'layout.columns', value: 2.5 as never }, /whole number/);
    refused({ path: 'title', value: null as never }, /required/);
    refused({ path: 'title', value: '' as never }, /required/);
    refused({ path: 'widgets.2.fields', value: ['version', 'cpu'] as never }, /"cpu" is not one of/);
  });

  it('keeps only what differs from the template, and merging that override gives back the edited config', () => {
    const cases: unknown[] = [
      template,
      { ...template, title: 'Lint' },
      { ...template, layout: { columns: 1 } },
      { title: 'Lint', layout: { columns: 2 }, widgets: [] },
      { ...template, description: 'added' },
    ];
    for (const target of cases) {
      const override = minimalOverride(template, target);
      assert.deepEqual(deepMerge(template, override), target);
    }
    assert.deepEqual(minimalOverride(template, template), {});
    assert.deepEqual(minimalOverride(template, { ...template, layout: { columns: 1 } }), { layout: { columns: 1 } });
    const withoutDescription = minimalOverride({ ...template, description: 'x' }, template);
    assert.deepEqual(withoutDescription, { description: null }, 'a dropped key is removed with null');
    // One widget changed: arrays are replaced whole, so the override carries the full list.
    const oneWidget = applyFormEdits(template, configFormFields(template, template), [
      { path: 'widgets.1.title', value: 'Settings' },
    ]);
    assert.deepEqual(Object.keys(minimalOverride(template, oneWidget) as object), ['widgets']);
  });
});
