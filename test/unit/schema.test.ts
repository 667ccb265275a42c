import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionName } from '../../src/db/partitions.js';
import { tiflashHint } from '../../src/db/tidb.js';
import { expectedSchema } from '../../src/db/verify.js';

const SPEC_TABLES = [
  'api_configurations',
  'audit_logs',
  'cached_responses',
  'capabilities',
  'clock_sync_status',
  'context_windows',
  'dashboard_versions',
  'dashboards',
  'extension_dashboards',
  'external_tool_access',
  'filesystem_timestamps',
  'guardrails',
  'metadata_standards',
  'metadata_violations',
  'modules',
  'profiles',
  'project_extension_mappings',
  'projects',
  'propagation_log',
  'sync_buffer',
  'templates',
  'token_usage',
  'tool_registry',
  'version_history',
];
/** Tables added by later model versions (documented in docs/schema-deviations.md). */
const ADDED_TABLES = ['token_import_offsets'];

describe('the drizzle schema', () => {
  const tables = expectedSchema();
  const byName = new Map(tables.map((t) => [t.name, t]));

  it('declares exactly the 24 tables of the spec plus the documented additions', () => {
    assert.deepEqual(
      tables.map((t) => t.name),
      [...SPEC_TABLES, ...ADDED_TABLES].sort(),
    );
  });

  it('follows the spec’s foreign-key strategy', () => {
    const rules = tables
      .flatMap((t) => t.foreignKeys.map((fk) => `${t.name}→${fk.referencedTable} ${fk.onDelete}`))
      .sort();
    assert.deepEqual(rules, [
      'api_configurations→projects CASCADE',
      'capabilities→modules CASCADE',
      'context_windows→projects CASCADE',
      'dashboard_versions→extension_dashboards CASCADE',
      'dashboards→profiles CASCADE',
      'external_tool_access→projects CASCADE',
      'external_tool_access→tool_registry CASCADE',
      'guardrails→projects CASCADE',
      'metadata_violations→metadata_standards RESTRICT',
      'modules→dashboards CASCADE',
      'profiles→projects CASCADE',
      'project_extension_mappings→extension_dashboards RESTRICT',
      'project_extension_mappings→projects CASCADE',
      'propagation_log→sync_buffer CASCADE',
      'sync_buffer→projects CASCADE',
    ]);
    for (const soft of ['token_usage', 'filesystem_timestamps', 'clock_sync_status']) {
      assert.equal(byName.get(soft)?.foreignKeys.length, 0, `${soft} keeps a soft reference`);
    }
  });

  it('keeps every foreign key name within MySQL’s 64-character limit', () => {
    for (const fk of tables.flatMap((t) => t.foreignKeys)) assert.ok(fk.name.length <= 64, fk.name);
  });

  it('partitions token_usage and audit_logs, whose keys include the partition column', () => {
    assert.deepEqual(
      tables.filter((t) => t.partitioned).map((t) => t.name),
      ['audit_logs', 'token_usage'],
    );
  });

  it('replaces the spec’s partial indexes by plain composites', () => {
    const columnsOf = (table: string, index: string) =>
      byName.get(table)?.indexes.find((i) => i.name === index)?.columns;
    assert.deepEqual(columnsOf('metadata_violations', 'idx_violations_open_detected'), ['status', 'detected_at']);
    assert.deepEqual(columnsOf('project_extension_mappings', 'idx_project_extensions_enabled'), [
      'project_id',
      'enabled',
    ]);
  });
});

describe('partition names and TiDB hints', () => {
  it('names a month’s partition pYYYYMM', () => {
    assert.equal(partitionName(new Date(Date.UTC(2026, 0, 1))), 'p202601');
    assert.equal(partitionName(new Date(Date.UTC(2026, 10, 1))), 'p202611');
  });
  it('adds the TiFlash hint only on TiDB', () => {
    const tidb = { server: { dialect: 'tidb' as const, version: '8.5.1', raw: '' } };
    const mariadb = { server: { dialect: 'mariadb' as const, version: '10.11', raw: '' } };
    assert.equal(tiflashHint(tidb, 'token_usage'), '/*+ READ_FROM_STORAGE(TIFLASH[token_usage]) */');
    assert.equal(tiflashHint(mariadb, 'token_usage'), '');
  });
});
