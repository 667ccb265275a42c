import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { tokenUsage } from '../../src/db/schema/index.js';
import { formatFixed } from '../../src/core/tokens/money.js';
import { Pricing } from '../../src/core/tokens/pricing.js';
import { insertTokenUsageRows, prepareTokenUsage, recordTokenUsage } from '../../src/core/tokens/record.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('recording token usage', () => {
  let database: TestDatabase;
  const pricing = new Pricing();
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database?.drop());

  const event = {
    projectId: 'p-record',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    inputTokens: 1000,
    outputTokens: 500,
    cacheReadTokens: 2000,
    cacheWriteTokens: 1000,
    operationType: 'chat' as const,
    dashboardContext: 'planning',
    timestamp: '2026-04-02T09:15:00.123456Z',
    eventKey: 'api:session-1:turn-1',
    gitBranch: 'feature/x',
  };

  it('stores the event with its cost computed at ingestion and its cache tokens', async () => {
    const result = await recordTokenUsage(database.db, event, { pricing });
    assert.deepEqual(result, { id: result.id, recorded: true, totalCost: '0.0149', priced: true });
    const [row] = await database.db.select().from(tokenUsage).where(eq(tokenUsage.id, result.id));
    assert.equal(row?.totalCost, '0.0149');
    assert.equal(row?.cacheReadTokens, 2000);
    assert.equal(row?.cacheWriteTokens, 1000);
    assert.equal(row?.timestamp, '2026-04-02 09:15:00.123456');
    assert.equal(row?.source, 'api');
    assert.equal(row?.gitBranch, 'feature/x');
    assert.equal(row?.priced, true);
  });

  it('never counts the same event key twice, even when re-sent with another timestamp', async () => {
    const again = await recordTokenUsage(database.db, event, { pricing });
    assert.equal(again.recorded, false);
    const later = await recordTokenUsage(database.db, { ...event, timestamp: '2026-04-03T00:00:00Z' }, { pricing });
    assert.equal(later.recorded, false);
    // Concurrent senders of one event: exactly one row.
    const racing = { ...event, eventKey: 'api:session-1:turn-2' };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => recordTokenUsage(database.db, racing, { pricing })),
    );
    assert.equal(results.filter((r) => r.recorded).length, 1);
    const [count] = await database.db
      .select({ n: sql<number>`COUNT(*)` })
      .from(tokenUsage)
      .where(eq(tokenUsage.projectId, 'p-record'));
    assert.equal(Number(count?.n), 2);
  });

  it('reports duplicates inside one batch and against stored rows', async () => {
    const rows = ['a', 'b', 'a', 'c'].map((k) => prepareTokenUsage({ ...event, eventKey: `batch:${k}` }, pricing));
    assert.deepEqual(await insertTokenUsageRows(database.db, rows), { inserted: 3, duplicates: 1 });
    assert.deepEqual(await insertTokenUsageRows(database.db, rows), { inserted: 0, duplicates: 4 });
  });

  it('records an unknown model as unpriced with cost 0', async () => {
    const result = await recordTokenUsage(
      database.db,
      { ...event, model: 'phi3-local', provider: 'local', eventKey: 'api:local-1' },
      { pricing },
    );
    assert.deepEqual([result.recorded, result.priced, result.totalCost], [true, false, '0.0000']);
  });

  it('sums 100k stored costs exactly (DECIMAL SUM equals the BigInt sum of the rows)', async () => {
    const rows = [];
    let expected = 0n;
    for (let i = 0; i < 100_000; i++) {
      // Token counts that give costs with all four decimals in play (e.g. $0.0001 … $0.9999).
      const row = prepareTokenUsage(
        {
          projectId: 'p-sum',
          provider: 'anthropic',
          model: 'claude-haiku-4-5-20251001',
          inputTokens: (i * 7919) % 50_000,
          outputTokens: (i * 104_729) % 20_000,
          cacheReadTokens: (i * 31) % 100_000,
          timestamp: `2026-04-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`,
          eventKey: `sum:${i}`,
        },
        pricing,
      );
      expected += BigInt(row.totalCost.replace('.', ''));
      rows.push(row);
    }
    const report = await insertTokenUsageRows(database.db, rows);
    assert.equal(report.inserted, 100_000);
    const [total] = await database.db
      .select({ sum: sql<string>`SUM(${tokenUsage.totalCost})` })
      .from(tokenUsage)
      .where(eq(tokenUsage.projectId, 'p-sum'));
    assert.equal(total?.sum, formatFixed(expected, 4));
  });
});
