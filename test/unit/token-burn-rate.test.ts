import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectBlock } from '../../src/core/tokens/analytics.js';
import { COST_SCALE, formatFixed } from '../../src/core/tokens/money.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-18T10:00:00Z');

/** projectBlock with the costs as decimal strings, as the view shows them. */
function project(block: Parameters<typeof projectBlock>[0]) {
  const p = projectBlock(block);
  return {
    ...p,
    costPerHour: formatFixed(p.costPerHour, COST_SCALE),
    projectedCost: formatFixed(p.projectedCost, COST_SCALE),
  };
}

describe('5-hour block projection arithmetic (exact cost units, hand-computed)', () => {
  it('extends the rate since the first event to the end of the block, rounding cost down', () => {
    // $4 in the 120 minutes since 10:10; 170 minutes left: $4 + $4 × 170/120 = $9.66666… → 9.6666.
    assert.deepEqual(
      project({
        costUnits: 40_000n,
        tokens: 3,
        firstEventMs: T0 + 10 * MIN,
        nowMs: T0 + 130 * MIN,
        endMs: T0 + 300 * MIN,
      }),
      { costPerHour: '2.0000', projectedCost: '9.6666', tokensPerMinute: 0, projectedTokens: 7 },
    );
  });

  it('counts at least one minute of elapsed time, so a single fresh event is no spike', () => {
    // $0.03 just now: $0.03 per minute → $1.80/hour; 299 minutes left → $0.03 + $0.03 × 299 = $9.00.
    assert.deepEqual(project({ costUnits: 300n, tokens: 1_000, firstEventMs: T0, nowMs: T0, endMs: T0 + 299 * MIN }), {
      costPerHour: '1.8000',
      projectedCost: '9.0000',
      tokensPerMinute: 1_000,
      projectedTokens: 300_000,
    });
  });

  it('rounds a fraction of $0.0001 down and stays exact beyond float precision', () => {
    // $0.0001 over 3 minutes, 2 left: 1 + ⌊2/3⌋ = 1 unit.
    assert.equal(
      project({ costUnits: 1n, tokens: 0, firstEventMs: T0, nowMs: T0 + 3 * MIN, endMs: T0 + 5 * MIN }).projectedCost,
      '0.0001',
    );
    // 9.87e16 units is past 2^53: u + ⌊u × 7/3⌋ = 329218107032921810 exactly; per hour u × 20.
    const big = project({
      costUnits: 98_765_432_109_876_543n,
      tokens: 0,
      firstEventMs: T0,
      nowMs: T0 + 3 * MIN,
      endMs: T0 + 10 * MIN,
    });
    assert.equal(big.projectedCost, '32921810703292.1810');
    assert.equal(big.costPerHour, '197530864219753.0860');
  });

  it('projects nothing more once the block has ended', () => {
    const p = project({
      costUnits: 12_345n,
      tokens: 10,
      firstEventMs: T0,
      nowMs: T0 + 301 * MIN,
      endMs: T0 + 300 * MIN,
    });
    assert.equal(p.projectedCost, '1.2345');
    assert.equal(p.projectedTokens, 10);
  });
});
