import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asc, eq, inArray } from 'drizzle-orm';
import { caseById, inIds, insertRows } from '../../src/core/bulk.js';
import { auditLogs, metadataStandards } from '../../src/db/schema/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The strings a hand-built statement must carry unchanged: quotes, backslashes, NUL, Ctrl-Z,
// placeholders, comment markers, JSON with escapes, non-ASCII.
const tricky = [
  `it's`,
  `a "quoted" word`,
  `back\\slash \\' and \\\\`,
  `nul\0byte`,
  `ctrl\x1az`,
  `? ?? :name`,
  `-- comment /* c */ #`,
  JSON.stringify({ text: `line\nbreak "q" \\ '`, n: 1 }),
  `naïve ünïcödé 日本 😀`,
  `'); DROP TABLE audit_logs; --`,
];

describe('bulk statements (MariaDB)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
  });

  it('insertRows stores every value unchanged, JSON included, and fills missing keys with DEFAULT', async () => {
    await insertRows(
      database.db,
      auditLogs,
      tricky.map((text, i) => ({
        userId: text,
        action: `bulk.test.${i}`,
        resourceType: 'bulk',
        resourceId: i % 2 === 0 ? null : text,
        status: 'success' as const,
        metadata: { text, i },
      })),
    );
    const rows = await database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.resourceType, 'bulk'))
      .orderBy(asc(auditLogs.id));
    assert.equal(rows.length, tricky.length);
    rows.forEach((row, i) => {
      assert.equal(row.userId, tricky[i]);
      assert.equal(row.resourceId, i % 2 === 0 ? null : tricky[i]);
      const metadata = typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata;
      assert.deepEqual(metadata, { text: tricky[i], i });
      assert.ok(row.timestamp, 'the DEFAULT timestamp was applied');
    });
  });

  it('splits rows over several statements when one would be too large', async () => {
    const big = 'x'.repeat(200_000);
    await insertRows(
      database.db,
      auditLogs,
      Array.from({ length: 30 }, (_, i) => ({
        userId: 'bulk-big',
        action: 'bulk.big',
        resourceType: 'bulk-big',
        resourceId: String(i),
        status: 'success' as const,
        metadata: { big, i },
      })),
    );
    const rows = await database.db.select().from(auditLogs).where(eq(auditLogs.resourceType, 'bulk-big'));
    assert.equal(rows.length, 30);
  });

  it('caseById and inIds update many rows with their own values in one statement', async () => {
    const ids = tricky.map((_, i) => `bulk-standard-${i}`);
    await insertRows(
      database.db,
      metadataStandards,
      ids.map((id, i) => ({ id, standardName: `Bulk ${i}`, category: 'nomenclature' as const, patternRegex: '^a$' })),
    );
    const rows = ids.map((id, i) => ({ id, message: tricky[i]! }));
    await database.db
      .update(metadataStandards)
      .set({ validationMessage: caseById(metadataStandards.id, rows, (r) => r.message) })
      .where(inIds(metadataStandards.id, ids));
    const stored = await database.db
      .select({
        id: metadataStandards.id,
        message: metadataStandards.validationMessage,
        active: metadataStandards.isActive,
      })
      .from(metadataStandards)
      .where(inArray(metadataStandards.id, ids));
    assert.deepEqual(new Map(stored.map((s) => [s.id, s.message])), new Map(rows.map((r) => [r.id, r.message])));
    assert.ok(
      stored.every((s) => s.active === true),
      'is_active took its DEFAULT',
    );
  });

  it('refuses values a literal cannot hold, and matches nothing for no ids', async () => {
    assert.throws(() => caseById(metadataStandards.id, [{ id: 'x' }], () => ({ not: 'scalar' })), /scalar values/);
    assert.throws(() => caseById(metadataStandards.id, [{ id: 'x' }], () => Number.NaN), /cannot hold/);
    const [result] = (await database.db
      .update(metadataStandards)
      .set({ validationMessage: 'none' })
      .where(inIds(metadataStandards.id, []))) as unknown as [{ affectedRows: number }];
    assert.equal(result.affectedRows, 0);
  });
});
