// Benchmark: import a generated Claude Code log set (default ≈1.1 GB, 2 M events of ~550 bytes), then time the 30-day
// analytics query over ≥1 M token_usage rows, and compare with `npx ccusage daily --json` when it runs.
//
//   npm run bench:import -- [--events N] [--files N] [--query-rows N] [--no-ccusage] [--keep]
//
// Needs the test MariaDB (COCKPIT_TEST_DATABASE_URL, default mysql://root@127.0.0.1:3306/). Prints the
// figures, and as its last line `key=value` pairs.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect, parseDatabaseUrl } from '../src/db/connection.js';
import { migrate } from '../src/db/migrate.js';
import { statusSummary, StatusSummaryCache, usageByPeriod, usageTrend } from '../src/core/tokens/analytics.js';
import { importTokenLogs, type ImportReport } from '../src/core/tokens/importers/index.js';
import { sumCosts } from '../src/core/tokens/money.js';
import { Pricing } from '../src/core/tokens/pricing.js';

const MODELS = [
  'claude-sonnet-4-5-20250929',
  'claude-sonnet-4-5-20250929',
  'claude-opus-4-1-20250805',
  'claude-haiku-4-5-20251001',
];
const PROJECT = 'bench-project';
const DAY_MS = 86_400_000;

function line(i: number, now: number): string {
  // Spread over the last 60 days so the 30-day query covers about half of the rows.
  const timestamp = new Date(now - ((i * 7_919_000) % (60 * DAY_MS))).toISOString();
  return JSON.stringify({
    parentUuid: `p-${i}`,
    isSidechain: false,
    userType: 'external',
    cwd: '/home/dev/bench',
    sessionId: `s-${Math.floor(i / 1000)}`,
    version: '2.0.14',
    gitBranch: i % 3 === 0 ? 'main' : 'feature/bench',
    type: 'assistant',
    message: {
      id: `msg_${i}`,
      type: 'message',
      role: 'assistant',
      model: MODELS[i % MODELS.length],
      content: [{ type: 'text', text: 'Done.' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 3 + (i % 500),
        cache_creation_input_tokens: i % 7 === 0 ? 1500 + (i % 300) : 0,
        cache_read_input_tokens: 20_000 + (i % 5000),
        output_tokens: 10 + (i % 800),
        service_tier: 'standard',
      },
    },
    requestId: `req_${i}`,
    uuid: `u-${i}`,
    timestamp,
  });
}

async function generate(root: string, events: number, files: number, now: number): Promise<number> {
  const dir = path.join(root, 'projects', '-home-dev-bench');
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const perFile = Math.ceil(events / files);
  for (let f = 0; f < files; f++) {
    const out = createWriteStream(path.join(dir, `session-${f}.jsonl`));
    for (let i = f * perFile; i < Math.min(events, (f + 1) * perFile); i++) {
      const text = `${line(i, now)}\n`;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  return bytes;
}

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The process's peak RSS as the kernel counted it (bench/max-rss.cjs prints it at exit). */
  maxRssKb: number;
}

function runCli(args: string[], env: NodeJS.ProcessEnv, onStart?: (pid: number) => void): Promise<CliRun> {
  const root = path.resolve(__dirname, '..');
  // Executed as users run it (its shebang sets the Node flags); NODE_OPTIONS adds the memory report.
  const child = spawn(path.join(root, 'bin/cockpit'), args, {
    env: { ...env, NODE_OPTIONS: `--require ${path.join(root, 'bench/max-rss.cjs')}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) onStart?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      const maxRss = /max_rss_kb=(\d+)/.exec(stderr);
      if (!maxRss) return reject(new Error(`cockpit ${args.join(' ')} did not report its memory: ${stderr}`));
      resolve({ status, stdout, stderr: stderr.replace(maxRss[0], '').trim(), maxRssKb: Number(maxRss[1]) });
    });
  });
}

/** Current and peak RSS of a running process, in MB (Linux /proc); undefined once it has exited. */
function procStatus(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed<T>(runs: number, work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = await work();
    times.push(performance.now() - started);
  }
  return { ms: median(times), result };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '2000000' },
      files: { type: 'string' },
      'query-rows': { type: 'string', default: '1000000' },
      'no-ccusage': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const events = Number(values.events);
  const files = Number(values.files ?? Math.max(1, Math.round(events / 10_000)));
  const queryRows = Number(values['query-rows']);
  if (!Number.isInteger(events) || events <= 0) throw new Error('--events must be a positive integer.');

  const server = process.env.COCKPIT_TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/';
  const name = `cockpit_bench_${process.pid}`;
  const databaseUrl = `${server.replace(/\/?$/, '/')}${name}`;
  const database = await connect(parseDatabaseUrl(databaseUrl), {
    createDatabase: true,
    retries: 0,
  });
  const root = mkdtempSync(path.join(tmpdir(), 'cockpit-bench-'));
  const now = Date.now();
  const loadStart = loadavg()[0]!;
  try {
    await migrate(database);
    let started = performance.now();
    const bytes = await generate(root, events, files, now);
    console.log(
      `Generated ${events} events in ${files} files, ${(bytes / 1e6).toFixed(0)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );

    // Import as a user does, `cockpit import claude-code` in its own process (the bundled CLI), so the
    // memory measured is the importer's and not this benchmark's (tsx, the generator).
    const cli = (args: string[], onStart?: (pid: number) => void) =>
      runCli(args, { ...process.env, COCKPIT_DATABASE_URL: databaseUrl }, onStart);
    const idle = await cli(['--help']);
    started = performance.now();
    // A progress line every 30 s: memory over the run and the machine's load (it is shared).
    let sampler: NodeJS.Timeout | undefined;
    const imported = await cli(['import', 'claude-code', '--path', root, '--project', PROJECT, '--json'], (pid) => {
      sampler = setInterval(() => {
        const status = procStatus(pid);
        if (!status) return;
        console.log(
          `  ${((performance.now() - started) / 1000).toFixed(0)} s: RSS ${status.rssMb} MB (peak so far ${status.peakMb} MB), load ${loadavg()[0]!.toFixed(1)}`,
        );
      }, 30_000);
    });
    clearInterval(sampler);
    const importSeconds = (performance.now() - started) / 1000;
    if (imported.status !== 0) throw new Error(`cockpit import failed (${imported.status}): ${imported.stderr}`);
    const report = JSON.parse(imported.stdout) as ImportReport;
    const peakRss = imported.maxRssKb * 1024;
    const eventsPerSecond = Math.round(report.imported / importSeconds);
    console.log(
      `Imported ${report.imported} events (${report.duplicates} duplicates, ${report.malformed} malformed) in ${importSeconds.toFixed(1)} s: ${eventsPerSecond} events/s, ${(bytes / 1e6 / importSeconds).toFixed(1)} MB/s; peak RSS of the \`cockpit import\` process ${(peakRss / 1e6).toFixed(0)} MB (the CLI alone, \`cockpit --help\`: ${((idle.maxRssKb * 1024) / 1e6).toFixed(0)} MB).`,
    );
    started = performance.now();
    const again = await importTokenLogs('claude-code', {
      db: database.db,
      pricing: new Pricing(),
      resolveProject: () => PROJECT,
      path: root,
    });
    const reimportMs = performance.now() - started;
    console.log(`Re-import (nothing new): ${again.imported} events, ${reimportMs.toFixed(0)} ms.`);

    // Ours, for the comparison: token totals per UTC day.
    const ours = await timed(1, () => usageByPeriod(database, 'day', { projectId: PROJECT }));
    const ourTotals = ours.result.reduce(
      (t, d) => ({
        input: t.input + d.inputTokens,
        output: t.output + d.outputTokens,
        cacheWrite: t.cacheWrite + d.cacheCreationTokens,
        cacheRead: t.cacheRead + d.cacheReadTokens,
      }),
      { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    );

    // Grow the table to --query-rows on the server (copies with new ids), then time the analytics.
    const count = async () =>
      Number(((await database.pool.query('SELECT COUNT(*) AS n FROM token_usage'))[0] as Array<{ n: number }>)[0]?.n);
    started = performance.now();
    for (let rows = await count(); rows < queryRows; rows = await count()) {
      await database.pool.query(
        `INSERT INTO token_usage (id, project_id, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_cost, priced, operation_type, source, git_branch, timestamp)
         SELECT UUID(), project_id, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_cost, priced, operation_type, source, git_branch, timestamp
           FROM token_usage LIMIT ${queryRows - rows}`,
      );
    }
    const tableRows = await count();
    if (performance.now() - started > 1000)
      console.log(`Grew token_usage to ${tableRows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    await database.pool.query('ANALYZE TABLE token_usage');
    const trend = await timed(5, () => usageTrend(database, { projectId: PROJECT }));
    const status = await timed(5, () => statusSummary(database, { projectId: PROJECT }));
    // What the status bar runs every poll: today's rows only, the closed days cached by the first call.
    const cache = new StatusSummaryCache();
    await cache.summary(database, { projectId: PROJECT });
    const poll = await timed(5, () => cache.summary(database, { projectId: PROJECT }));
    const [plan] = (await database.pool.query(
      `EXPLAIN SELECT DATE_FORMAT(timestamp, '%Y-%m-%d'), provider, SUM(total_cost) FROM token_usage WHERE project_id = ? AND timestamp >= NOW() - INTERVAL 30 DAY GROUP BY 1, 2`,
      [PROJECT],
    )) as unknown as [Array<{ key: string; Extra: string }>];
    const trendRows = trend.result.reduce((n, t) => n + t.events, 0);
    console.log(
      `30-day trend over ${tableRows} rows (${trendRows} in range): ${trend.ms.toFixed(1)} ms (median of 5; index ${plan[0]?.key}, ${plan[0]?.Extra}); status-bar summary: ${status.ms.toFixed(1)} ms, its cached poll: ${poll.ms.toFixed(1)} ms.`,
    );

    // ccusage on the same files, when it can be run (npx needs the registry or its cache).
    let ccusageSeconds: number | undefined;
    let totalsAgree: boolean | undefined;
    if (!values['no-ccusage']) {
      started = performance.now();
      const run = spawnSync('npx', ['--yes', 'ccusage@18.0.11', 'daily', '--json', '--offline', '--timezone', 'UTC'], {
        encoding: 'utf8',
        env: { ...process.env, CLAUDE_CONFIG_DIR: root },
        maxBuffer: 256 * 1024 * 1024,
        timeout: 30 * 60_000,
      });
      const seconds = (performance.now() - started) / 1000;
      if (run.status === 0) {
        ccusageSeconds = seconds;
        const parsed = JSON.parse(run.stdout) as { totals?: Record<string, number> };
        const t = parsed.totals ?? {};
        const theirs = {
          input: t.inputTokens,
          output: t.outputTokens,
          cacheWrite: t.cacheCreationTokens,
          cacheRead: t.cacheReadTokens,
        };
        totalsAgree = JSON.stringify(theirs) === JSON.stringify(ourTotals);
        console.log(
          `ccusage daily --json: ${seconds.toFixed(1)} s (ours: import ${importSeconds.toFixed(1)} s + report ${ours.ms.toFixed(0)} ms).`,
        );
        console.log(
          `Token totals — ours: ${JSON.stringify(ourTotals)}; ccusage: ${JSON.stringify(theirs)}; agree: ${totalsAgree}. cost: ours $${sumCosts(ours.result.map((d) => d.totalCost))} (exact, per-row rounded), ccusage $${t.totalCost}.`,
        );
      } else {
        console.log(
          `ccusage could not run (status ${run.status}): ${(run.stderr || String(run.error)).trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
    }

    console.log(
      [
        `events=${report.imported}`,
        `bytes=${bytes}`,
        `import_s=${importSeconds.toFixed(1)}`,
        `events_per_s=${eventsPerSecond}`,
        `peak_rss_mb=${(peakRss / 1e6).toFixed(0)}`,
        `cli_idle_rss_mb=${((idle.maxRssKb * 1024) / 1e6).toFixed(0)}`,
        `rss_growth_mb=${((peakRss - idle.maxRssKb * 1024) / 1e6).toFixed(0)}`,
        `reimport_ms=${reimportMs.toFixed(0)}`,
        `query_rows=${tableRows}`,
        `trend_30d_ms=${trend.ms.toFixed(1)}`,
        `status_summary_ms=${status.ms.toFixed(1)}`,
        `status_poll_ms=${poll.ms.toFixed(1)}`,
        `ccusage_s=${ccusageSeconds === undefined ? 'na' : ccusageSeconds.toFixed(1)}`,
        `totals_agree=${totalsAgree ?? 'na'}`,
        `load_start=${loadStart.toFixed(1)}`,
        `load_end=${loadavg()[0]!.toFixed(1)}`,
      ].join(' '),
    );
  } finally {
    if (!values.keep) rmSync(root, { recursive: true, force: true });
    else console.log(`Kept the logs in ${root}.`);
    await database.pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
