import { getTableConfig, MySqlTable } from 'drizzle-orm/mysql-core';
import { is, SQL } from 'drizzle-orm';
import type { Database } from './connection.js';
import { MONTHLY_PARTITIONED_TABLES } from './partitions.js';
import * as schema from './schema/index.js';

/** An index the schema declares (by drizzle or by a hand-written migration). */
export interface ExpectedIndex {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  /** Prefix length of each column, where one is declared (e.g. file_path(255)). */
  prefix?: Record<string, number>;
}

export interface ExpectedForeignKey {
  table: string;
  name: string;
  columns: string[];
  referencedTable: string;
  onDelete: string;
}

export interface ExpectedTable {
  name: string;
  columns: string[];
  /** Columns that must be TIMESTAMP(6) or DATETIME(6). */
  temporalColumns: string[];
  indexes: ExpectedIndex[];
  foreignKeys: ExpectedForeignKey[];
  partitioned: boolean;
}

/** Indexes drizzle-kit cannot express, created by hand-written migrations. */
const HAND_WRITTEN_INDEXES: ExpectedIndex[] = [
  {
    table: 'filesystem_timestamps',
    name: 'idx_file_path',
    columns: ['file_path'],
    unique: false,
    prefix: { file_path: 255 },
  },
  {
    table: 'filesystem_timestamps',
    name: 'idx_project_file_captured',
    columns: ['project_id', 'file_path', 'captured_at'],
    unique: false,
    prefix: { file_path: 255 },
  },
];

export type ProblemKind =
  | 'missing-table'
  | 'missing-column'
  | 'precision'
  | 'missing-index'
  | 'index-columns'
  | 'missing-foreign-key'
  | 'foreign-key-rule'
  | 'not-partitioned';

export interface Problem {
  table: string;
  kind: ProblemKind;
  message: string;
}

export interface VerificationReport {
  ok: boolean;
  database: string;
  server: string;
  tables: Array<{ name: string; present: boolean; problems: number }>;
  problems: Problem[];
}

const isTable = (value: unknown): value is MySqlTable => is(value, MySqlTable);

/** The expected shape of every table, derived from the drizzle schema plus the hand-written steps. */
export function expectedSchema(): ExpectedTable[] {
  return (Object.values(schema) as unknown[])
    .filter(isTable)
    .map((table) => {
      const config = getTableConfig(table);
      const indexes: ExpectedIndex[] = config.indexes.map((index) => ({
        table: config.name,
        name: index.config.name,
        columns: index.config.columns.map((c) => (is(c, SQL) ? String(c) : c.name)),
        unique: Boolean(index.config.unique),
      }));
      for (const column of config.columns) {
        if (column.isUnique && column.uniqueName) {
          indexes.push({ table: config.name, name: column.uniqueName, columns: [column.name], unique: true });
        }
      }
      indexes.push(...HAND_WRITTEN_INDEXES.filter((i) => i.table === config.name));
      return {
        name: config.name,
        columns: config.columns.map((c) => c.name),
        temporalColumns: config.columns.filter((c) => /^(timestamp|datetime)/.test(c.getSQLType())).map((c) => c.name),
        indexes,
        foreignKeys: config.foreignKeys.map((fk) => {
          const reference = fk.reference();
          return {
            table: config.name,
            name: fk.getName(),
            columns: reference.columns.map((c) => c.name),
            referencedTable: getTableConfig(reference.foreignTable).name,
            onDelete: (fk.onDelete ?? 'no action').toUpperCase(),
          };
        }),
        partitioned: (MONTHLY_PARTITIONED_TABLES as readonly string[]).includes(config.name),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

type Row = Record<string, string | number | null>;

async function rows(database: Database, query: string): Promise<Row[]> {
  const [result] = await database.pool.query(query);
  return result as Row[];
}

/**
 * Compares the live database with the schema — the spec's three information_schema checks made
 * exact: every table present, every timestamp with precision 6, every declared index with its
 * columns in order, every foreign key with its delete rule, and the partitioned tables partitioned.
 */
export async function verifySchema(database: Database, expected = expectedSchema()): Promise<VerificationReport> {
  const [tables, columns, statistics, foreignKeys, partitions] = await Promise.all([
    rows(database, `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`),
    rows(
      database,
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type, DATETIME_PRECISION AS fsp
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
    ),
    rows(
      database,
      `SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, SEQ_IN_INDEX AS seq, NON_UNIQUE AS nonUnique, SUB_PART AS subPart
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    ),
    rows(
      database,
      `SELECT rc.TABLE_NAME AS t, rc.CONSTRAINT_NAME AS name, rc.REFERENCED_TABLE_NAME AS ref, rc.DELETE_RULE AS rule,
              kcu.COLUMN_NAME AS c
         FROM information_schema.REFERENTIAL_CONSTRAINTS rc
         JOIN information_schema.KEY_COLUMN_USAGE kcu
           ON kcu.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND kcu.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
          AND kcu.TABLE_NAME = rc.TABLE_NAME
        WHERE rc.CONSTRAINT_SCHEMA = DATABASE()
        ORDER BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, kcu.ORDINAL_POSITION`,
    ),
    rows(
      database,
      `SELECT DISTINCT TABLE_NAME AS t FROM information_schema.PARTITIONS
        WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL`,
    ),
  ]);

  const present = new Set(tables.map((r) => String(r.t)));
  const partitioned = new Set(partitions.map((r) => String(r.t)));
  const columnsOf = groupBy(columns, (r) => String(r.t));
  const indexesOf = groupBy(statistics, (r) => `${r.t}.${r.i}`);
  const fksOf = groupBy(foreignKeys, (r) => `${r.t}.${r.name}`);
  const problems: Problem[] = [];

  for (const table of expected) {
    if (!present.has(table.name)) {
      problems.push({ table: table.name, kind: 'missing-table', message: `Table ${table.name} is missing.` });
      continue;
    }
    const live = new Map((columnsOf.get(table.name) ?? []).map((r) => [String(r.c), r]));
    for (const column of table.columns) {
      if (!live.has(column)) {
        problems.push({
          table: table.name,
          kind: 'missing-column',
          message: `Column ${table.name}.${column} is missing.`,
        });
      }
    }
    for (const column of table.temporalColumns) {
      const row = live.get(column);
      if (row && Number(row.fsp) !== 6) {
        problems.push({
          table: table.name,
          kind: 'precision',
          message: `Column ${table.name}.${column} is ${row.type}(${row.fsp ?? 0}); expected precision 6 (microseconds).`,
        });
      }
    }
    for (const index of table.indexes) {
      const parts = indexesOf.get(`${table.name}.${index.name}`);
      if (!parts) {
        problems.push({
          table: table.name,
          kind: 'missing-index',
          message: `Index ${table.name}.${index.name} is missing.`,
        });
        continue;
      }
      const liveShape = parts.map((p) => (p.subPart ? `${p.c}(${p.subPart})` : String(p.c))).join(', ');
      const expectedShape = index.columns.map((c) => (index.prefix?.[c] ? `${c}(${index.prefix[c]})` : c)).join(', ');
      const liveUnique = Number(parts[0]?.nonUnique) === 0;
      if (liveShape !== expectedShape || liveUnique !== index.unique) {
        problems.push({
          table: table.name,
          kind: 'index-columns',
          message: `Index ${table.name}.${index.name} is ${liveUnique ? 'UNIQUE ' : ''}(${liveShape}); expected ${index.unique ? 'UNIQUE ' : ''}(${expectedShape}).`,
        });
      }
    }
    for (const fk of table.foreignKeys) {
      const parts = fksOf.get(`${table.name}.${fk.name}`);
      if (!parts) {
        problems.push({
          table: table.name,
          kind: 'missing-foreign-key',
          message: `Foreign key ${table.name}.${fk.name} is missing.`,
        });
        continue;
      }
      const rule = String(parts[0]?.rule).toUpperCase();
      const liveColumns = parts.map((p) => String(p.c)).join(', ');
      if (rule !== fk.onDelete || parts[0]?.ref !== fk.referencedTable || liveColumns !== fk.columns.join(', ')) {
        problems.push({
          table: table.name,
          kind: 'foreign-key-rule',
          message: `Foreign key ${table.name}.${fk.name} is (${liveColumns}) → ${parts[0]?.ref} ON DELETE ${rule}; expected (${fk.columns.join(', ')}) → ${fk.referencedTable} ON DELETE ${fk.onDelete}.`,
        });
      }
    }
    if (table.partitioned && !partitioned.has(table.name)) {
      problems.push({
        table: table.name,
        kind: 'not-partitioned',
        message: `Table ${table.name} is not partitioned by month.`,
      });
    }
  }

  return {
    ok: problems.length === 0,
    database: database.config.database,
    server: `${database.server.dialect} ${database.server.version}`,
    tables: expected.map((t) => ({
      name: t.name,
      present: present.has(t.name),
      problems: problems.filter((p) => p.table === t.name).length,
    })),
    problems,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** A few lines for a terminal or an output channel. */
export function formatReport(report: VerificationReport): string {
  const head = `Schema of "${report.database}" on ${report.server}: ${report.ok ? 'OK' : `${report.problems.length} problem(s)`} — ${report.tables.filter((t) => t.present).length}/${report.tables.length} tables present.`;
  return [head, ...report.problems.map((p) => `  ✗ ${p.message}`)].join('\n');
}
