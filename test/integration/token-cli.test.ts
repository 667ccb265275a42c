import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_SERVER_URL } from '../support/database.js';
import { claudeLine } from '../support/token-logs.js';

const BIN = path.resolve(__dirname, '../../bin/cockpit');
const database = `cockpit_test_tokcli_${process.pid}`;
const url = `${TEST_SERVER_URL.replace(/\/?$/, '/')}${database}`;

function cockpit(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/nonexistent', COCKPIT_DATABASE_URL: url, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cockpit import / report (needs `npm run build`)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cockpit-cli-tokens-'));
    const projectDir = path.join(dir, 'claude', 'projects', 'p');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(
      path.join(projectDir, 's.jsonl'),
      [
        claudeLine({
          messageId: 'm1',
          requestId: 'r1',
          timestamp: '2026-04-30T23:59:59.999Z',
          input: 1000,
          output: 100,
        }),
        claudeLine({
          messageId: 'm1',
          requestId: 'r1',
          timestamp: '2026-04-30T23:59:59.999Z',
          input: 1000,
          output: 100,
        }),
        claudeLine({
          messageId: 'm2',
          requestId: 'r2',
          timestamp: '2026-05-01T00:00:00Z',
          input: 2000,
          output: 200,
          cacheRead: 5000,
          cacheWrite: 300,
        }),
        '{oops',
      ].join('\n') + '\n',
    );
    const migrated = cockpit(['migrate']);
    assert.equal(migrated.status, 0, migrated.stderr);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    spawnSync('mariadb', ['-h127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS \`${database}\``]);
  });

  it('imports Claude Code logs once and prints the counts', () => {
    const first = cockpit(['import', 'claude-code', '--path', path.join(dir, 'claude'), '--project', 'p-cli']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /claude-code: 2 events imported, 1 duplicates skipped, 1 malformed lines/);
    assert.match(first.stderr, /malformed: .*s\.jsonl at byte \d+: invalid JSON/);
    const again = cockpit(['import', 'claude-code', '--path', path.join(dir, 'claude'), '--project', 'p-cli']);
    assert.match(again.stdout, /0 events imported, 0 duplicates skipped, 0 malformed lines/);
    const codex = cockpit(['import', 'codex', '--path', path.join(dir, 'no-codex-here')]);
    assert.equal(codex.status, 0, codex.stderr);
    assert.match(codex.stdout, /codex: 0 events imported/);
  });

  it('reports daily and monthly UTC totals as JSON with decimal-string costs', () => {
    const daily = cockpit(['report', 'daily', '--project', 'p-cli', '--json']);
    assert.equal(daily.status, 0, daily.stderr);
    // Sonnet 4.5: 1000×3 + 100×15 = 4500 µ$ → 0.0045; 2000×3 + 200×15 + 5000×0.3 + 300×3.75 = 11625 µ$ → 0.0116
    assert.deepEqual(JSON.parse(daily.stdout), [
      {
        period: '2026-04-30',
        inputTokens: 1000,
        outputTokens: 100,
        cacheCreationTokens: 0,
        cacheReadTokens: 0,
        totalCost: '0.0045',
      },
      {
        period: '2026-05-01',
        inputTokens: 2000,
        outputTokens: 200,
        cacheCreationTokens: 300,
        cacheReadTokens: 5000,
        totalCost: '0.0116',
      },
    ]);
    const monthly = cockpit(['report', 'monthly', '--since', '2026-05-01', '--until', '2026-05-31', '--json']);
    assert.deepEqual(
      JSON.parse(monthly.stdout).map((r: { period: string; totalCost: string }) => [r.period, r.totalCost]),
      [['2026-05', '0.0116']],
    );
    const until = cockpit(['report', 'daily', '--until', '2026-04-30', '--json']);
    assert.deepEqual(
      JSON.parse(until.stdout).map((r: { period: string }) => r.period),
      ['2026-04-30'],
    );
  });

  it('rejects bad arguments with status 2 and a clear message', () => {
    const badDate = cockpit(['report', 'daily', '--since', '2026-02-30']);
    assert.equal(badDate.status, 2);
    assert.match(badDate.stderr, /--since must be a date YYYY-MM-DD, got "2026-02-30"/);
    assert.equal(cockpit(['report', 'hourly']).status, 2);
    assert.equal(cockpit(['import', 'cursor']).status, 2);
    const badPricing = cockpit(['import', 'codex', '--path', dir], {
      COCKPIT_PRICING_OVERRIDES: '{"m":{"input":"x","output":1}}',
    });
    assert.equal(badPricing.status, 2);
    assert.match(badPricing.stderr, /cockpit\.pricing\.overrides\["m"\]\.input/);
  });
});
