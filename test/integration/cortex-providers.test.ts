import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { apiConfigurations, auditLogs, externalToolAccess } from '../../src/db/schema/index.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import {
  addProvider,
  deleteProvider,
  listProviders,
  loadProviderSettings,
  updateProvider,
} from '../../src/core/cortex/providers.js';
import { rotateMasterKey } from '../../src/core/cortex/rotation.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createProject, dumpAllTables } from '../support/cortex.js';

const KEY = 'sk-test-PLAINTEXT-KEY-4242-abcdefgh1234';
const actor = 'dev@example.com';

describe('AI provider configurations', () => {
  let database: TestDatabase;
  let projectId: string;
  const key = generateMasterKey(1);
  let box = new SecretBox([key]);
  before(async () => {
    database = await createTestDatabase();
    projectId = await createProject(database);
  });
  after(async () => database?.drop());

  it('adds providers with encrypted keys, lists them masked in fallback order', async () => {
    const anthropic = await addProvider(database.db, box, actor, {
      projectId,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      apiKey: KEY,
      priority: 2,
      temperature: 0,
    });
    assert.equal(anthropic.keyHint, '••••1234');
    assert.equal(anthropic.temperature, '0.00');
    await addProvider(database.db, box, actor, {
      projectId,
      provider: 'local',
      model: 'llama3.2',
      baseUrl: 'http://127.0.0.1:11434/v1/',
      priority: 1,
    });
    await addProvider(database.db, box, actor, { projectId, provider: 'vscode-lm', model: 'gpt-4o', priority: 3 });
    const list = await listProviders(database.db, box, projectId);
    assert.deepEqual(
      list.map((p) => [p.provider, p.priority, p.keyHint, p.baseUrl]),
      [
        ['local', 1, null, 'http://127.0.0.1:11434/v1'],
        ['anthropic', 2, '••••1234', null],
        ['vscode-lm', 3, null, null],
      ],
    );
    const [row] = await database.db.select().from(apiConfigurations).where(eq(apiConfigurations.id, anthropic.id));
    assert.ok(Buffer.isBuffer(row!.apiKeyEncrypted));
    assert.equal(box.decrypt(row!.apiKeyEncrypted!), KEY);
    const settings = await loadProviderSettings(database.db, box, projectId);
    assert.equal(settings.find((s) => s.provider === 'anthropic')!.apiKey, KEY);
  });

  it('validates every field with a message naming it, never echoing the key', async () => {
    const base = { projectId, provider: 'openai' as const, model: 'gpt-4o', apiKey: 'sk-x' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ temperature: 2.5 }, /Invalid temperature: at most 2/],
      [{ temperature: -0.1 }, /Invalid temperature: at least 0/],
      [{ maxTokens: 0 }, /Invalid maxTokens: at least 1/],
      [{ maxTokens: 1.5 }, /Invalid maxTokens: a whole number/],
      [{ priority: 'first' }, /Invalid priority/],
      [{ enabled: 'yes' }, /Invalid enabled/],
      [{ provider: 'gemini' }, /Invalid provider: one of anthropic, openai, azure, local, vscode-lm/],
      [{ model: '' }, /Invalid model: required/],
      [{ apiKey: 'has space SECRET' }, /Invalid apiKey: contains spaces/],
      [{ apiKey: undefined }, /The openai provider needs an API key/],
      [{ provider: 'azure' }, /azure provider needs its endpoint/],
      [{ provider: 'local', baseUrl: 'ftp://x' }, /Invalid baseUrl: an http\(s\) URL/],
      [{ provider: 'vscode-lm' }, /vscode-lm provider takes no API key/],
      [{ projectId: 'no-such-project' }, /Project no-such-project does not exist/],
      [{ provider: 'anthropic' }, /already has a anthropic provider/],
    ];
    for (const [change, expected] of cases) {
      await assert.rejects(
        addProvider(database.db, box, actor, { ...base, ...change } as never),
        (error: Error) => expected.test(error.message) && !error.message.includes('SECRET'),
        JSON.stringify(change),
      );
    }
  });

  it('edits (keeping, replacing or removing the key) and deletes, each audited without the key', async () => {
    const [anthropic] = (await listProviders(database.db, box, projectId)).filter((p) => p.provider === 'anthropic');
    const edited = await updateProvider(database.db, box, actor, anthropic!.id, {
      temperature: '1.25',
      enabled: false,
    });
    assert.equal(edited.temperature, '1.25');
    assert.equal(edited.enabled, false);
    assert.equal(edited.keyHint, '••••1234', 'key kept');
    assert.equal(
      (await loadProviderSettings(database.db, box, projectId)).some((s) => s.provider === 'anthropic'),
      false,
    );
    await assert.rejects(
      updateProvider(database.db, box, actor, anthropic!.id, { apiKey: null }),
      /anthropic provider needs an API key/,
    );
    const replaced = await updateProvider(database.db, box, actor, anthropic!.id, { apiKey: `${KEY}-new9999` });
    assert.equal(replaced.keyHint, '••••9999');
    await updateProvider(database.db, box, actor, anthropic!.id, { apiKey: KEY, enabled: true });

    const local = (await listProviders(database.db, box, projectId)).find((p) => p.provider === 'local')!;
    await deleteProvider(database.db, actor, local.id);
    await assert.rejects(deleteProvider(database.db, actor, local.id), /does not exist/);
    const actions = (await database.db.select().from(auditLogs)).map((a) => `${a.action}:${a.status}`);
    assert.ok(actions.includes('ai_provider.update:success'));
    assert.ok(actions.includes('ai_provider.delete:success'));
    assert.ok(actions.includes('ai_provider.create:failure'));
  });

  it('rotates the master key: every secret re-encrypted in one transaction, old key refused after', async () => {
    const [anthropic] = (await listProviders(database.db, box, projectId)).filter((p) => p.provider === 'anthropic');
    const toolId = 'tool-git-log';
    await database.db.insert(externalToolAccess).values({
      id: 'access-1',
      projectId,
      toolId,
      accessType: 'read',
      oauthConfig: {
        scopes: ['repo'],
        tokens: { access: box.seal('gho-access-SECRET'), refresh: box.seal('ghr-refresh') },
      },
    });
    const before = (
      await database.db.select().from(apiConfigurations).where(eq(apiConfigurations.id, anthropic!.id))
    )[0]!;

    const next = generateMasterKey(2);
    const report = await rotateMasterKey(database.db, box, next, actor);
    assert.deepEqual([report.apiKeys, report.oauthSecrets, report.version], [1, 2, 2]);
    const nextBox = new SecretBox([next]);
    const afterRow = (
      await database.db.select().from(apiConfigurations).where(eq(apiConfigurations.id, anthropic!.id))
    )[0]!;
    assert.notDeepEqual(afterRow.apiKeyEncrypted, before.apiKeyEncrypted);
    assert.equal(afterRow.apiKeyEncrypted!.subarray(0, 3).toString(), 'v2:');
    assert.equal(nextBox.decrypt(afterRow.apiKeyEncrypted!), KEY);
    assert.throws(() => box.decrypt(afterRow.apiKeyEncrypted!), /encrypted with master key v2/);
    const access = (await database.db.select().from(externalToolAccess))[0]!;
    const tokens = (access.oauthConfig as { tokens: Record<string, { $encrypted: string }> }).tokens;
    assert.equal(nextBox.unseal(tokens.access!), 'gho-access-SECRET');
    assert.equal((access.oauthConfig as { scopes: string[] }).scopes[0], 'repo');
    assert.deepEqual((await listProviders(database.db, box, projectId)).find((p) => p.hasKey)!.keyHint, 'unreadable');

    // A secret the current key cannot read aborts the whole rotation: nothing changes.
    await database.db
      .update(externalToolAccess)
      .set({ oauthConfig: { tokens: { access: box.seal('made-with-the-old-key') } } });
    await assert.rejects(rotateMasterKey(database.db, nextBox, generateMasterKey(3), actor), /master key v1/);
    const unchanged = (
      await database.db.select().from(apiConfigurations).where(eq(apiConfigurations.id, anthropic!.id))
    )[0]!;
    assert.deepEqual(unchanged.apiKeyEncrypted, afterRow.apiKeyEncrypted);
    const audits = await database.db.select().from(auditLogs).where(eq(auditLogs.action, 'master_key.rotate'));
    assert.deepEqual(audits.map((a) => a.status).sort(), ['failure', 'success']);
    await assert.rejects(rotateMasterKey(database.db, nextBox, generateMasterKey(2), actor), /higher version/);
    box = nextBox;
  });

  it('keeps the plaintext key out of every table (SELECT of all rows and mysqldump)', async () => {
    const dump = await dumpAllTables(database);
    assert.ok(dump.length > 1000);
    assert.ok(dump.includes('claude-sonnet-4-5'), 'the dump does see the rows');
    assert.ok(!dump.includes(KEY));
    assert.ok(!dump.includes('gho-access-SECRET'));
    const mysqldump = spawnSync('mariadb-dump', ['-h127.0.0.1', '-uroot', '--hex-blob', database.config.database], {
      encoding: 'latin1',
    });
    assert.equal(mysqldump.status, 0, mysqldump.stderr);
    assert.ok(mysqldump.stdout.includes('api_configurations'));
    assert.ok(!mysqldump.stdout.includes(KEY));
    const raw = spawnSync('mariadb-dump', ['-h127.0.0.1', '-uroot', database.config.database], { encoding: 'latin1' });
    assert.ok(!raw.stdout.includes(KEY));
  });
});
