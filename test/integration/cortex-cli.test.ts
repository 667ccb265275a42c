import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatMasterKey, generateMasterKey } from '../../src/core/cortex/crypto.js';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../support/database.js';
import { createProject, dumpAllTables } from '../support/cortex.js';
import { anthropicMessage, FakeProviders } from '../support/fake-providers.js';

const BIN = path.resolve(__dirname, '../../bin/cockpit');
const KEY = 'sk-ant-CLI-PLAINTEXT-zzzz9876';

describe('cockpit ai (needs `npm run build`)', () => {
  let database: TestDatabase;
  const fake = new FakeProviders();
  const config = mkdtempSync(path.join(tmpdir(), 'cockpit-cli-key-'));
  let projectId: string;
  const outputs: string[] = [];

  /** Runs the CLI without blocking this process (the loopback provider answers meanwhile). */
  function cockpit(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          PATH: process.env.PATH,
          COCKPIT_DATABASE_URL: `${TEST_SERVER_URL.replace(/\/?$/, '/')}${database.config.database}`,
          XDG_CONFIG_HOME: config,
          ...options.env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.stdin.end(options.stdin ?? '');
      child.on('close', (status) => {
        outputs.push(stdout, stderr);
        resolve({ status, stdout, stderr });
      });
    });
  }

  before(async () => {
    database = await createTestDatabase();
    await fake.start();
    projectId = await createProject(database, 'CLI project');
  });
  after(async () => {
    await fake.stop();
    await database?.drop();
  });

  it('adds providers with the key from stdin, creating the 0600 key file', async () => {
    const added = await cockpit(
      [
        'ai',
        'provider',
        'add',
        '--project',
        projectId,
        '--provider',
        'anthropic',
        '--model',
        'claude-test-1',
        '--base-url',
        `${fake.baseUrl}/anthropic`,
        '--key-stdin',
        '--priority',
        '1',
        '--temperature',
        '0',
      ],
      { stdin: `${KEY}\n` },
    );
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /Added anthropic \(claude-test-1\) .* priority 1, key ••••9876\./);
    assert.match(added.stderr, /Created the master key file .*master\.key \(mode 0600\)/);
    const keyFile = path.join(config, 'devguide-cockpit', 'master.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    const local = await cockpit([
      'ai',
      'provider',
      'add',
      '--project',
      projectId,
      '--provider',
      'local',
      '--model',
      'llama',
      '--base-url',
      `${fake.baseUrl}/local`,
      '--priority',
      '0',
    ]);
    assert.equal(local.status, 0, local.stderr);
    const bad = await cockpit(
      ['ai', 'provider', 'add', '--project', projectId, '--provider', 'openai', '--model', 'gpt', '--temperature', '3'],
      {
        stdin: 'sk-x',
      },
    );
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /needs an API key|Invalid temperature/);
    assert.equal((await cockpit(['ai', 'provider', 'add', '--project', projectId])).status, 2);

    const list = await cockpit(['ai', 'provider', 'list', '--project', projectId, '--json']);
    const providers = JSON.parse(list.stdout) as Array<{ provider: string; keyHint: string | null }>;
    assert.deepEqual(
      providers.map((p) => [p.provider, p.keyHint]),
      [
        ['local', null],
        ['anthropic', '••••9876'],
      ],
    );
  });

  it('asks with fallback and prints the answer and the provider; repeats come from the cache', async () => {
    fake.on('/local', { status: 503, body: 'down' });
    fake.on(
      '/anthropic',
      anthropicMessage('The CLI project tracks AI costs.', { input_tokens: 1000, output_tokens: 100 }),
    );
    const answer = await cockpit(['ai', 'ask', '--project', projectId, 'What is this project?']);
    assert.equal(answer.status, 0, answer.stderr);
    assert.match(
      answer.stdout,
      /^The CLI project tracks AI costs\.\n\n— anthropic \(claude-test-1\), 1000 in \/ 100 out tokens/,
    );
    const sent = fake.requestsTo('/anthropic')[0]!;
    assert.equal(sent.headers['x-api-key'], KEY);
    assert.match(String(sent.body.system), /project "CLI project"/);

    const again = await cockpit(['ai', 'ask', '--project', projectId, 'What is this project?']);
    assert.match(again.stdout, /from the prompt cache/);
    assert.equal(fake.requestsTo('/anthropic').length, 1);
    const stats = await cockpit(['ai', 'cache', 'stats', '--json']);
    assert.equal(stats.status, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout);
    assert.deepEqual([parsed.entries, parsed.hits], [1, 1]);
    assert.equal((await cockpit(['ai', 'ask', '--project', projectId])).status, 2);
  });

  it('rotates the key file and keeps working; a wrong COCKPIT_MASTER_KEY is refused clearly', async () => {
    const keyFile = path.join(config, 'devguide-cockpit', 'master.key');
    const before = readFileSync(keyFile, 'utf8');
    const rotated = await cockpit(['ai', 'key', 'rotate']);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /Re-encrypted 1 API key\(s\) and 0 OAuth secret\(s\) under master key v2/);
    const after = readFileSync(keyFile, 'utf8');
    assert.notEqual(after, before);
    assert.match(after, /^v2:[A-Za-z0-9+/=]{44}\n$/);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    fake.on('/anthropic', anthropicMessage('Still here.'));
    const ok = await cockpit(['ai', 'ask', '--project', projectId, 'Still there?']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Still here\./);

    const wrong = await cockpit(['ai', 'ask', '--project', projectId, 'Anyone?'], {
      env: { COCKPIT_MASTER_KEY: formatMasterKey(generateMasterKey(2)) },
    });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /encrypted with master key v2 #[0-9a-f]{8}, but the loaded key is v2 #[0-9a-f]{8}/);
  });

  it('leaves the plaintext key in no table and no CLI output', async () => {
    const dump = await dumpAllTables(database);
    assert.ok(dump.includes('claude-test-1'));
    assert.ok(!dump.includes(KEY));
    assert.ok(outputs.length >= 10);
    for (const output of outputs) assert.ok(!output.includes(KEY), output);
  });
});
