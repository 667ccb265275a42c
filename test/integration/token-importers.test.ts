import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asc, eq, sql } from 'drizzle-orm';
import { tokenImportOffsets, tokenUsage } from '../../src/db/schema/index.js';
import { Pricing } from '../../src/core/tokens/pricing.js';
import {
  claudeCodeFormat,
  importFiles,
  importTokenLogs,
  LogWatcher,
  type ImportOptions,
} from '../../src/core/tokens/importers/index.js';
import { normalizeRepository } from '../../src/core/git.js';
import { createProjectResolver } from '../../src/core/tokens/project-resolver.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ALPHA, claudeLine } from '../support/token-logs.js';

const userLine = (text: string) =>
  JSON.stringify({
    type: 'user',
    cwd: ALPHA,
    message: { role: 'user', content: text },
    timestamp: '2026-05-01T10:00:00Z',
  });

describe('token log importers', () => {
  let database: TestDatabase;
  let dir: string;
  let options: ImportOptions;
  const pricing = new Pricing();

  before(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'cockpit-tokens-'));
    await database.pool.query(
      "INSERT INTO projects (id, name, owner_user_id, git_repository) VALUES ('p-alpha', 'alpha', 'dev@example.com', ?), ('p-beta', 'beta', 'dev@example.com', 'git@github.com:Org/Beta.git')",
      [ALPHA],
    );
    options = { db: database.db, pricing, resolveProject: await createProjectResolver(database.db), host: 'test-host' };
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  const rows = (projectId: string) =>
    database.db.select().from(tokenUsage).where(eq(tokenUsage.projectId, projectId)).orderBy(asc(tokenUsage.timestamp));

  describe('Claude Code', () => {
    let config: string;
    let file: string;
    before(() => {
      config = path.join(dir, 'claude');
      mkdirSync(path.join(config, 'projects', '-home-dev-alpha'), { recursive: true });
      file = path.join(config, 'projects', '-home-dev-alpha', 'session-1.jsonl');
    });

    it('imports usage, drops repeated message.id:requestId and <synthetic>, counts malformed lines, leaves a half-written line', async () => {
      const half = claudeLine({ messageId: 'msg_3', requestId: 'req_3', timestamp: '2026-05-01T10:03:00.000Z' });
      writeFileSync(
        file,
        [
          userLine('please fix the bug'),
          claudeLine({
            messageId: 'msg_1',
            requestId: 'req_1',
            timestamp: '2026-05-01T10:01:00.000Z',
            input: 1000,
            output: 500,
            cacheRead: 2000,
            cacheWrite: 1000,
          }),
          // The same response's second content block: same ids, later timestamp.
          claudeLine({
            messageId: 'msg_1',
            requestId: 'req_1',
            timestamp: '2026-05-01T10:01:01.000Z',
            input: 1000,
            output: 500,
            cacheRead: 2000,
            cacheWrite: 1000,
          }),
          claudeLine({
            messageId: 'msg_s',
            requestId: 'req_s',
            timestamp: '2026-05-01T10:01:30.000Z',
            model: '<synthetic>',
          }),
          '{"type":"assistant","message":{"usage":',
          claudeLine({
            messageId: 'msg_2',
            requestId: 'req_2',
            timestamp: '2026-05-01T10:02:00.000Z',
            gitBranch: 'feature/login',
          }),
          claudeLine({
            messageId: 'msg_x',
            requestId: 'req_x',
            timestamp: '2026-05-01T10:02:30.000Z',
            cwd: '/somewhere/else',
          }),
        ].join('\n') +
          '\n' +
          half.slice(0, 40),
      );
      const report = await importTokenLogs('claude-code', { ...options, path: config });
      assert.equal(report.files, 1);
      assert.equal(report.imported, 2);
      assert.equal(report.duplicates, 1);
      assert.equal(report.malformed, 1);
      assert.deepEqual(report.skipped, { synthetic: 1 });
      assert.equal(report.unassigned, 1);
      assert.equal(report.malformedSamples[0]?.reason, 'invalid JSON');

      const stored = await rows('p-alpha');
      assert.deepEqual(
        stored.map((r) => [
          r.model,
          r.inputTokens,
          r.outputTokens,
          r.cacheReadTokens,
          r.cacheWriteTokens,
          r.totalCost,
          r.gitBranch,
          r.source,
        ]),
        [
          ['claude-sonnet-4-5-20250929', 1000, 500, 2000, 1000, '0.0149', null, 'claude-code'],
          // 10×$3 + 20×$15 per million = $0.00033 → $0.0003
          ['claude-sonnet-4-5-20250929', 10, 20, 0, 0, '0.0003', 'feature/login', 'claude-code'],
        ],
      );
      assert.equal(stored[0]?.timestamp, '2026-05-01 10:01:00.000000');

      // The rest of the half-written line arrives, and a new line after it.
      appendFileSync(
        file,
        half.slice(40) +
          '\n' +
          claudeLine({ messageId: 'msg_4', requestId: 'req_4', timestamp: '2026-05-01T10:04:00.000Z' }) +
          '\n',
      );
      const next = await importTokenLogs('claude-code', { ...options, path: config });
      assert.deepEqual([next.imported, next.duplicates, next.malformed], [2, 0, 0]);
      assert.equal((await rows('p-alpha')).length, 4);
    });

    it('resumes from the stored offset in a new run and reads nothing when nothing changed', async () => {
      const [offset] = await database.db.select().from(tokenImportOffsets).where(eq(tokenImportOffsets.filePath, file));
      assert.equal(offset?.host, 'test-host');
      assert.equal(offset?.byteOffset, (await import('node:fs')).statSync(file).size);
      const again = await importTokenLogs('claude-code', { ...options, path: config });
      assert.deepEqual([again.filesRead, again.imported, again.bytesRead], [0, 0, 0]);
      // A rescan reads everything again and adds nothing.
      const rescan = await importTokenLogs('claude-code', { ...options, path: config, rescan: true });
      assert.deepEqual([rescan.imported, rescan.duplicates], [0, 5]);
    });

    it('restarts a truncated, rewritten or rotated file from the start without double counting', async () => {
      // Truncated and rewritten: the first event again plus a new one.
      writeFileSync(
        file,
        claudeLine({ messageId: 'msg_1', requestId: 'req_1', timestamp: '2026-05-01T10:01:00.000Z' }) +
          '\n' +
          claudeLine({ messageId: 'msg_5', requestId: 'req_5', timestamp: '2026-05-01T10:05:00.000Z' }) +
          '\n',
      );
      const truncated = await importTokenLogs('claude-code', { ...options, path: config });
      assert.deepEqual([truncated.filesRestarted, truncated.imported, truncated.duplicates], [1, 1, 1]);

      // Rotated: a new file (new inode) at the same path, longer than the old offset.
      unlinkSync(file);
      const lines = [5, 1, 6, 7, 8].map((n) =>
        claudeLine({ messageId: `msg_${n}`, requestId: `req_${n}`, timestamp: `2026-05-01T10:0${n}:00.000Z` }),
      );
      writeFileSync(file, lines.join('\n') + '\n');
      const rotated = await importTokenLogs('claude-code', { ...options, path: config });
      assert.deepEqual([rotated.filesRestarted, rotated.imported, rotated.duplicates], [1, 3, 2]);
      assert.equal((await rows('p-alpha')).length, 8);
    });

    it('reads CLAUDE_CONFIG_DIR as a comma-separated list', async () => {
      const second = path.join(dir, 'claude-2');
      mkdirSync(path.join(second, 'projects', 'x'), { recursive: true });
      writeFileSync(
        path.join(second, 'projects', 'x', 's.jsonl'),
        claudeLine({ messageId: 'msg_9', requestId: 'req_9', timestamp: '2026-05-02T00:00:00Z' }) + '\n',
      );
      const report = await importTokenLogs('claude-code', {
        ...options,
        env: { CLAUDE_CONFIG_DIR: `${config}, ${second}` },
      });
      assert.deepEqual([report.files, report.imported], [2, 1]);
    });

    it('streams a 200 MB file in bounded memory', async () => {
      const big = path.join(dir, 'big', 'projects', 'p');
      mkdirSync(big, { recursive: true });
      const bigFile = path.join(big, 'big.jsonl');
      const out = createWriteStream(bigFile);
      const filler = userLine('x'.repeat(200 * 1024));
      let written = 0;
      let events = 0;
      for (let i = 0; written < 200 * 1024 * 1024; i++) {
        const usage = i % 2 === 1;
        if (usage) events++;
        const line = `${usage ? claudeLine({ messageId: `big_${i}`, requestId: `r_${i}`, timestamp: '2026-05-03T00:00:00Z' }) : filler}\n`;
        written += line.length;
        if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      // One line over the limit is skipped and reported, not loaded.
      out.write(userLine('y'.repeat(3 * 1024 * 1024)) + '\n');
      await new Promise<void>((resolve) => out.end(() => resolve()));

      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const report = await importTokenLogs('claude-code', {
        ...options,
        path: path.join(dir, 'big'),
        maxLineBytes: 1024 * 1024,
        onBatch: () => (peak = Math.max(peak, process.memoryUsage().rss)),
      });
      clearInterval(sampler);
      assert.ok(report.bytesRead > 200 * 1024 * 1024);
      assert.equal(report.imported, events);
      assert.equal(report.malformed, 1);
      assert.match(report.malformedSamples[0]?.reason ?? '', /longer than the import limit/);
      const growthMb = (peak - baseline) / 1024 / 1024;
      assert.ok(growthMb < 100, `RSS grew by ${growthMb.toFixed(1)} MB while streaming 200 MB`);
    });
  });

  describe('Codex', () => {
    let home: string;
    let file: string;
    const event = (timestamp: string, type: string, payload: object) => JSON.stringify({ timestamp, type, payload });
    const usage = (input: number, cached: number, output: number, reasoning = 0) => ({
      input_tokens: input,
      cached_input_tokens: cached,
      output_tokens: output,
      reasoning_output_tokens: reasoning,
      total_tokens: input + output,
    });
    const tokenCount = (timestamp: string, total: object, last: object) =>
      event(timestamp, 'event_msg', {
        type: 'token_count',
        info: { total_token_usage: total, last_token_usage: last, model_context_window: 272000 },
        rate_limits: { primary: { used_percent: 7, window_minutes: 300, resets_at: 1780000000 } },
      });

    before(() => {
      home = path.join(dir, 'codex-home');
      mkdirSync(path.join(home, 'sessions', '2026', '05', '04'), { recursive: true });
      file = path.join(home, 'sessions', '2026', '05', '04', 'rollout-2026-05-04T09-00-00-0199a1b2.jsonl');
    });

    it('imports token_count deltas with the model of the turn, skipping repeats and rate-limit-only events', async () => {
      writeFileSync(
        file,
        [
          event('2026-05-04T09:00:00.000Z', 'session_meta', {
            id: '0199a1b2-0000-7000-8000-000000000001',
            timestamp: '2026-05-04T09:00:00.000Z',
            cwd: '/work/beta',
            originator: 'codex_cli_rs',
            cli_version: '0.46.0',
            model_provider: 'openai',
            git: { commit_hash: 'abc', branch: 'main', repository_url: 'https://github.com/org/beta' },
          }),
          event('2026-05-04T09:00:01.000Z', 'turn_context', {
            cwd: '/work/beta',
            approval_policy: 'on-request',
            model: 'gpt-5',
            summary: 'auto',
          }),
          event('2026-05-04T09:00:02.000Z', 'event_msg', { type: 'token_count', info: null, rate_limits: null }),
          tokenCount('2026-05-04T09:00:05.000Z', usage(1000, 400, 100, 40), usage(1000, 400, 100, 40)),
          // The same totals reported again (e.g. with new rate limits): not a new turn.
          tokenCount('2026-05-04T09:00:06.000Z', usage(1000, 400, 100, 40), usage(1000, 400, 100, 40)),
          'not json',
          tokenCount('2026-05-04T09:01:00.000+02:00', usage(3000, 2000, 300, 40), usage(2000, 1600, 200)),
        ].join('\n') + '\n',
      );
      const resolveProject = async (cwd: string | undefined) => (cwd === '/work/beta' ? 'p-beta' : undefined);
      const report = await importTokenLogs('codex', { ...options, resolveProject, path: home });
      assert.deepEqual([report.imported, report.duplicates, report.malformed], [2, 0, 1]);
      const stored = await rows('p-beta');
      assert.deepEqual(
        stored.map((r) => [
          r.timestamp,
          r.provider,
          r.model,
          r.inputTokens,
          r.cacheReadTokens,
          r.outputTokens,
          r.gitBranch,
          r.source,
        ]),
        [
          ['2026-05-04 07:01:00.000000', 'openai', 'gpt-5', 400, 1600, 200, 'main', 'codex'],
          ['2026-05-04 09:00:05.000000', 'openai', 'gpt-5', 600, 400, 100, 'main', 'codex'],
        ],
      );
      // 600×$1.25 + 400×$0.125 + 100×$10 = 1800 µ$ → $0.0018
      assert.equal(stored[1]?.totalCost, '0.0018');

      // Lines appended later resume with the session's model and totals remembered in the offsets table.
      appendFileSync(file, tokenCount('2026-05-04T09:05:00.000Z', usage(4000, 2500, 350), usage(1000, 500, 50)) + '\n');
      const more = await importTokenLogs('codex', { ...options, resolveProject, path: home });
      assert.deepEqual([more.imported, more.malformed], [1, 0]);
      const [last] = (await rows('p-beta')).slice(-1);
      assert.deepEqual(
        [last?.model, last?.inputTokens, last?.cacheReadTokens, last?.outputTokens],
        ['gpt-5', 500, 500, 50],
      );
    });
  });

  it('imports lines appended while watching, within about a second', async () => {
    const root = path.join(dir, 'watched', 'projects');
    mkdirSync(path.join(root, 'p'), { recursive: true });
    const file = path.join(root, 'p', 'live.jsonl');
    writeFileSync(file, '');
    const imported: number[] = [];
    const watcher = new LogWatcher({
      dirs: [root],
      debounceMs: 100,
      importFiles: async (files) => {
        imported.push((await importFiles(claudeCodeFormat, files, options)).imported);
      },
    });
    const count = async () => (await rows('p-alpha')).filter((r) => r.timestamp.startsWith('2026-06-01')).length;
    const waitFor = async (expected: number) => {
      const deadline = Date.now() + 5000;
      while ((await count()) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return count();
    };
    try {
      assert.equal(watcher.start(), 1);
      const started = Date.now();
      appendFileSync(
        file,
        claudeLine({ messageId: 'live_1', requestId: 'r', timestamp: '2026-06-01T09:00:00Z' }) + '\n',
      );
      assert.equal(await waitFor(1), 1);
      assert.ok(Date.now() - started < 2000, `picked up after ${Date.now() - started} ms`);
      // A new file in a new sub-directory is watched too.
      mkdirSync(path.join(root, 'q'));
      writeFileSync(
        path.join(root, 'q', 'other.jsonl'),
        claudeLine({ messageId: 'live_2', requestId: 'r', timestamp: '2026-06-01T09:01:00Z' }) + '\n',
      );
      appendFileSync(
        file,
        claudeLine({ messageId: 'live_3', requestId: 'r', timestamp: '2026-06-01T09:02:00Z' }) + '\n',
      );
      assert.equal(await waitFor(3), 3);
      await watcher.idle();
      assert.equal(
        imported.reduce((a, b) => a + b, 0),
        3,
      );
    } finally {
      watcher.dispose();
    }
  });

  it('maps working directories to projects by local path or by origin remote', async () => {
    assert.equal(normalizeRepository('git@github.com:Org/Beta.git'), 'github.com/org/beta');
    assert.equal(normalizeRepository('https://user@GitHub.com/org/beta/'), 'github.com/org/beta');
    assert.equal(normalizeRepository('ssh://git@github.com/org/beta.git'), 'github.com/org/beta');
    const repo = path.join(dir, 'beta-clone');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    writeFileSync(
      path.join(repo, '.git', 'config'),
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/org/beta.git\n',
    );
    const resolve = await createProjectResolver(database.db);
    assert.equal(await resolve(path.join(repo, 'src')), 'p-beta');
    assert.equal(await resolve(`${ALPHA}/packages/web`), 'p-alpha');
    assert.equal(await resolve('/home/dev/alphabet'), undefined, 'a prefix of the name is not the directory');
    assert.equal(await resolve(undefined), undefined);
    const fixed = await createProjectResolver(database.db, { projectId: 'p-forced' });
    assert.equal(await fixed('/anything'), 'p-forced');
    const mapped = await createProjectResolver(database.db, { paths: { [`${ALPHA}/packages`]: 'p-pkg' } });
    assert.equal(await mapped(`${ALPHA}/packages/web`), 'p-pkg');
    const [count] = await database.db.select({ n: sql<number>`COUNT(*)` }).from(tokenUsage);
    assert.ok(Number(count?.n) > 0);
  });
});
