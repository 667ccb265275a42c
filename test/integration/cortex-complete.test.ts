import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { asc, eq } from 'drizzle-orm';
import { auditLogs, cachedResponses, tokenUsage } from '../../src/db/schema/index.js';
import { cacheStats, canonicalJson, promptHash } from '../../src/core/cortex/cache.js';
import { Cortex } from '../../src/core/cortex/cortex.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import { addProvider, listProviders, type AddProviderInput } from '../../src/core/cortex/providers.js';
import { tokenUsageRecorder } from '../../src/core/cortex/usage.js';
import { parsePricingOverrides, Pricing } from '../../src/core/tokens/pricing.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createProject, dumpAllTables } from '../support/cortex.js';
import { anthropicMessage, FakeProviders, openAiCompletion } from '../support/fake-providers.js';

const ANTHROPIC_KEY = 'sk-ant-LOOPBACK-SECRET-aaaa1111';
const OPENAI_KEY = 'sk-openai-LOOPBACK-SECRET-bbbb2222';
const actor = 'dev@example.com';
const PRICING = new Pricing(
  undefined,
  parsePricingOverrides({
    'claude-test-1': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'gpt-test-1': { input: 2.5, output: 10 },
  }),
);
const question = [
  { role: 'system' as const, content: 'You are the Cockpit assistant.' },
  { role: 'user' as const, content: 'What changed today?' },
];

describe('Cortex.complete() against loopback providers', () => {
  let database: TestDatabase;
  const fake = new FakeProviders();
  const box = new SecretBox([generateMasterKey(1)]);
  let cortex: Cortex;

  /** A project with the given providers, all pointing at the loopback server. */
  async function project(...providers: Array<Partial<AddProviderInput> & Pick<AddProviderInput, 'provider'>>) {
    const projectId = await createProject(database);
    for (const [index, p] of providers.entries()) {
      await addProvider(database.db, box, actor, {
        projectId,
        model: p.provider === 'anthropic' ? 'claude-test-1' : 'gpt-test-1',
        baseUrl: `${fake.baseUrl}/${p.provider}`,
        apiKey: p.provider === 'anthropic' ? ANTHROPIC_KEY : p.provider === 'local' ? undefined : OPENAI_KEY,
        priority: index,
        temperature: 0.7,
        ...p,
      });
    }
    return projectId;
  }

  const usageRows = (projectId: string) =>
    database.db.select().from(tokenUsage).where(eq(tokenUsage.projectId, projectId)).orderBy(asc(tokenUsage.timestamp));
  const completeAudits = async (projectId: string) =>
    (
      await database.db
        .select()
        .from(auditLogs)
        .where(eq(auditLogs.action, 'ai.complete'))
        .orderBy(asc(auditLogs.timestamp))
    )
      .map((a) => ({ status: a.status, ...(a.metadata as Record<string, unknown>) }) as Record<string, unknown>)
      .filter((m) => m.projectId === projectId);

  before(async () => {
    database = await createTestDatabase();
    await fake.start();
    cortex = new Cortex({
      db: database.db,
      box,
      actor,
      usage: tokenUsageRecorder(database.db, PRICING),
      timeoutMs: 400,
      maxRetryAfterMs: 1500,
    });
  });
  after(async () => {
    await fake.stop();
    await database?.drop();
  });
  beforeEach(() => fake.reset());

  it('speaks the Anthropic Messages format and records the real usage (cache tokens included) and cost', async () => {
    const projectId = await project({ provider: 'anthropic' });
    fake.on(
      '/anthropic',
      anthropicMessage('Two commits.', {
        input_tokens: 100,
        output_tokens: 20,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 2000,
      }),
    );
    const result = await cortex.complete({
      projectId,
      messages: question,
      operationType: 'chat',
      dashboardContext: 'd1',
    });
    assert.equal(result.text, 'Two commits.');
    assert.equal(result.provider, 'anthropic');
    assert.deepEqual(result.usage, {
      inputTokens: 100,
      outputTokens: 20,
      cacheCreationInputTokens: 1000,
      cacheReadInputTokens: 2000,
    });
    // 100×3 + 20×15 + 1000×3.75 + 2000×0.30 per million = 0.00495 → 0.0050
    assert.equal(result.cost, '0.0050');
    const [sent] = fake.requestsTo('/anthropic');
    assert.equal(sent!.url, '/anthropic/v1/messages');
    assert.equal(sent!.headers['x-api-key'], ANTHROPIC_KEY);
    assert.equal(sent!.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent!.body.system, 'You are the Cockpit assistant.');
    assert.deepEqual(sent!.body.messages, [{ role: 'user', content: 'What changed today?' }]);
    assert.equal(sent!.body.max_tokens, 4096);
    assert.equal(sent!.body.temperature, 0.7);

    const rows = await usageRows(projectId);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      [
        rows[0]!.provider,
        rows[0]!.inputTokens,
        rows[0]!.outputTokens,
        rows[0]!.cacheWriteTokens,
        rows[0]!.cacheReadTokens,
        rows[0]!.totalCost,
        rows[0]!.operationType,
      ],
      ['anthropic', 100, 20, 1000, 2000, '0.0050', 'chat'],
    );
    assert.equal(rows[0]!.dashboardContext, 'd1');
    const audits = await completeAudits(projectId);
    assert.equal(audits.length, 1);
    assert.equal(audits[0]!.status, 'success');
    assert.equal(audits[0]!.cacheReadInputTokens, 2000);
  });

  it('falls back by priority on 500, 429 without retry-after, timeouts and network errors, recording every attempt', async () => {
    const projectId = await project(
      { provider: 'anthropic' },
      { provider: 'openai' },
      { provider: 'azure', model: 'my-deployment' },
      { provider: 'local', baseUrl: 'http://127.0.0.1:9/v1' },
    );
    // Tried in priority order: anthropic 500, openai 429, azure too slow, local on a closed port.
    fake.on('/anthropic', { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    fake.on('/openai', { status: 429, body: { error: { message: 'slow down' } } });
    fake.on('/azure', { ...openAiCompletion('late'), delayMs: 2000 });
    await assert.rejects(
      cortex.complete({ projectId, messages: question, operationType: 'chat' }),
      (error: Error & { code?: string }) =>
        error.code === 'unavailable' &&
        /anthropic \(claude-test-1\): HTTP 500: boom/.test(error.message) &&
        /openai \(gpt-test-1\): HTTP 429: slow down/.test(error.message) &&
        /azure \(my-deployment\): The provider did not answer in time/.test(error.message) &&
        /local \(gpt-test-1\): Network error/.test(error.message),
    );
    const audits = await completeAudits(projectId);
    assert.deepEqual(
      audits.map((a) => [a.provider, a.status, a.errorKind, a.httpStatus ?? null]),
      [
        ['anthropic', 'failure', 'server', 500],
        ['openai', 'failure', 'rate-limited', 429],
        ['azure', 'failure', 'timeout', null],
        ['local', 'failure', 'network', null],
      ],
    );
    assert.equal((await usageRows(projectId)).length, 4, 'every attempt recorded, with zero usage');

    // Now the third provider answers: the first two fail, azure succeeds.
    fake.reset();
    fake.on('/anthropic', { status: 503, body: 'unavailable' });
    fake.on('/openai', { status: 529, body: {} });
    fake.on(
      '/azure',
      openAiCompletion('From Azure.', {
        prompt_tokens: 50,
        completion_tokens: 7,
        prompt_tokens_details: { cached_tokens: 30 },
      }),
    );
    const result = await cortex.complete({ projectId, messages: question, operationType: 'tool_call' });
    assert.equal(result.text, 'From Azure.');
    assert.equal(result.provider, 'azure');
    assert.deepEqual(
      result.attempts.map((a) => [a.provider, a.status]),
      [
        ['anthropic', 'failure'],
        ['openai', 'failure'],
        ['azure', 'success'],
      ],
    );
    assert.deepEqual(result.usage, {
      inputTokens: 20,
      outputTokens: 7,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 30,
    });
    const [azure] = fake.requestsTo('/azure');
    assert.equal(azure!.url, '/azure/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    assert.equal(azure!.headers['api-key'], OPENAI_KEY);
    assert.equal(azure!.headers.authorization, undefined);
    assert.equal(azure!.body.model, undefined);
    const rows = (await usageRows(projectId)).slice(4);
    assert.deepEqual(
      rows.map((r) => [r.provider, r.inputTokens, r.cacheReadTokens, r.outputTokens, r.operationType]),
      [
        ['anthropic', 0, 0, 0, 'tool_call'],
        ['openai', 0, 0, 0, 'tool_call'],
        ['azure', 20, 30, 7, 'tool_call'],
      ],
    );
  });

  it('honours a short retry-after on the same provider, and falls back at once on a long one', async () => {
    const projectId = await project({ provider: 'openai' }, { provider: 'anthropic' });
    fake.on('/openai', { status: 429, headers: { 'retry-after': '1' }, body: {} }, openAiCompletion('after waiting'));
    const started = Date.now();
    const waited = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(waited.text, 'after waiting');
    assert.equal(waited.provider, 'openai');
    const [first, second] = fake.requestsTo('/openai');
    assert.ok(second!.at - first!.at >= 950, `waited ${second!.at - first!.at} ms`);
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(
      waited.attempts.map((a) => [a.provider, a.status, a.errorKind ?? null]),
      [
        ['openai', 'failure', 'rate-limited'],
        ['openai', 'success', null],
      ],
    );

    fake.reset();
    fake.on('/openai', { status: 429, headers: { 'retry-after': '120' }, body: {} });
    fake.on('/anthropic', anthropicMessage('fallback'));
    const quick = Date.now();
    const fellBack = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(fellBack.provider, 'anthropic');
    assert.ok(Date.now() - quick < 1000, 'did not wait 120 s');
    assert.equal(fake.requestsTo('/openai').length, 1);
  });

  it('never falls back on a 400 caused by the request', async () => {
    const projectId = await project({ provider: 'anthropic' }, { provider: 'openai' });
    fake.on('/anthropic', {
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: too long' } },
    });
    fake.on('/openai', openAiCompletion('must not be asked'));
    await assert.rejects(
      cortex.complete({ projectId, messages: question, operationType: 'chat' }),
      (error: Error & { code?: string }) =>
        error.code === 'invalid' &&
        /anthropic provider refused the request: HTTP 400: messages: too long/.test(error.message),
    );
    assert.equal(fake.requestsTo('/openai').length, 0);
    const audits = await completeAudits(projectId);
    assert.deepEqual(
      audits.map((a) => [a.provider, a.status, a.httpStatus]),
      [['anthropic', 'failure', 400]],
    );
  });

  it('falls back on a bad key (401) without the key reaching the error, the audit or the usage rows', async () => {
    const projectId = await project({ provider: 'openai' }, { provider: 'anthropic' });
    fake.on('/openai', { status: 401, body: { error: { message: `Incorrect API key provided: ${OPENAI_KEY}` } } });
    fake.on('/anthropic', { status: 500, body: `internal error for key ${ANTHROPIC_KEY}` });
    let message = '';
    await assert.rejects(cortex.complete({ projectId, messages: question, operationType: 'chat' }), (error: Error) => {
      message = error.message;
      return /HTTP 401: Incorrect API key provided: •••/.test(message);
    });
    assert.ok(!message.includes(OPENAI_KEY) && !message.includes(ANTHROPIC_KEY), message);
    assert.equal(fake.requestsTo('/openai')[0]!.headers.authorization, `Bearer ${OPENAI_KEY}`);
    const dump = await dumpAllTables(database);
    assert.ok(dump.includes('Incorrect API key provided'), 'the failure is audited');
    assert.ok(!dump.includes(OPENAI_KEY), 'no plaintext OpenAI key in any table');
    assert.ok(!dump.includes(ANTHROPIC_KEY), 'no plaintext Anthropic key in any table');
  });

  it('streams both wire formats, assembling text, tool calls and usage', async () => {
    const projectId = await project({ provider: 'anthropic' }, { provider: 'openai' });
    fake.on('/anthropic', {
      events: [
        {
          type: 'message_start',
          message: {
            model: 'claude-test-1',
            usage: { input_tokens: 30, output_tokens: 1, cache_read_input_tokens: 5 },
          },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'ping' },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
        { type: 'content_block_stop', index: 0 },
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'tu_1', name: 'git_log', input: {} },
        },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"limit":' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' 3}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } },
        { type: 'message_stop' },
      ],
    });
    const deltas: string[] = [];
    const streamed = await cortex.complete({
      projectId,
      messages: question,
      operationType: 'chat',
      tools: [{ name: 'git_log', description: 'Recent commits', parameters: { type: 'object', properties: {} } }],
      stream: { text: (d) => deltas.push(d) },
    });
    assert.deepEqual(deltas, ['Hel', 'lo']);
    assert.equal(streamed.text, 'Hello');
    assert.deepEqual(streamed.toolCalls, [{ id: 'tu_1', name: 'git_log', arguments: { limit: 3 } }]);
    assert.equal(streamed.stopReason, 'tool_use');
    assert.deepEqual(streamed.usage, {
      inputTokens: 30,
      outputTokens: 12,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 5,
    });
    const sent = fake.requestsTo('/anthropic')[0]!.body;
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.tools, [
      { name: 'git_log', description: 'Recent commits', input_schema: { type: 'object', properties: {} } },
    ]);

    // Anthropic fails mid-stream: the partial text is reset and OpenAI streams the answer.
    fake.reset();
    fake.on('/anthropic', {
      events: [
        { type: 'message_start', message: { model: 'claude-test-1', usage: { input_tokens: 30, output_tokens: 1 } } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } },
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      ],
    });
    fake.on('/openai', {
      events: [
        { model: 'gpt-test-1', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi ' } }] },
        { model: 'gpt-test-1', choices: [{ index: 0, delta: { content: 'there' } }] },
        {
          model: 'gpt-test-1',
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'git_log', arguments: '{"li' } }] },
            },
          ],
        },
        {
          model: 'gpt-test-1',
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: 'mit":2}' } }] },
              finish_reason: 'tool_calls',
            },
          ],
        },
        { model: 'gpt-test-1', choices: [], usage: { prompt_tokens: 40, completion_tokens: 9 } },
        '[DONE]',
      ],
    });
    const seen: string[] = [];
    const fallback = await cortex.complete({
      projectId,
      messages: question,
      operationType: 'chat',
      stream: { text: (d) => seen.push(d), reset: () => seen.push('<reset>') },
    });
    assert.deepEqual(seen, ['partial', '<reset>', 'Hi ', 'there']);
    assert.equal(fallback.text, 'Hi there');
    assert.deepEqual(fallback.toolCalls, [{ id: 'call_1', name: 'git_log', arguments: { limit: 2 } }]);
    assert.equal(fallback.usage.inputTokens, 40);
    assert.deepEqual(fake.requestsTo('/openai')[0]!.body.stream_options, { include_usage: true });
  });

  it('caches deterministic answers: a hit skips the provider, counts the hit and reports the saved cost', async () => {
    const projectId = await project({ provider: 'anthropic', temperature: 0 });
    fake.on('/anthropic', anthropicMessage('Cached answer.', { input_tokens: 1000, output_tokens: 100 }));
    const first = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(first.cached, false);
    assert.equal(first.cost, '0.0045');
    const second = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    const third = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(fake.requestsTo('/anthropic').length, 1, 'the provider was asked once');
    assert.deepEqual(
      [second.cached, second.text, second.savedCost, second.cost],
      [true, 'Cached answer.', '0.0045', null],
    );
    assert.equal(third.cached, true);
    const hash = promptHash({
      provider: 'anthropic',
      model: 'claude-test-1',
      messages: question,
      parameters: { temperature: 0, maxTokens: 4096 },
      tools: [],
    });
    const [row] = await database.db.select().from(cachedResponses).where(eq(cachedResponses.promptHash, hash));
    assert.equal(row!.hitCount, 2);
    assert.equal((await usageRows(projectId)).length, 1, 'hits spend no tokens');

    // A different question, or a different parameter, misses.
    await cortex.complete({
      projectId,
      messages: [...question, { role: 'user', content: 'And yesterday?' }],
      operationType: 'chat',
    });
    await cortex.complete({ projectId, messages: question, operationType: 'chat', maxTokens: 100 });
    assert.equal(fake.requestsTo('/anthropic').length, 3);

    // Past the TTL the entry is not served, and the next answer replaces it.
    await database.pool.query(
      'UPDATE cached_responses SET created_at = CURRENT_TIMESTAMP(6) - INTERVAL 8 DAY WHERE prompt_hash = ?',
      [hash],
    );
    const stale = await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(stale.cached, false);
    assert.equal(fake.requestsTo('/anthropic').length, 4);
    const [replaced] = await database.db.select().from(cachedResponses).where(eq(cachedResponses.promptHash, hash));
    assert.equal(replaced!.hitCount, 0);

    const stats = await cacheStats(database.db, cortex.cacheTtlSeconds);
    assert.equal(stats.entries, 3);
    assert.equal(stats.hits, 0);
  });

  it('caches non-deterministic requests only when the user opts in', async () => {
    const projectId = await project({ provider: 'openai', temperature: 0.7 });
    fake.on('/openai', openAiCompletion('Creative.', { prompt_tokens: 1000, completion_tokens: 1000 }));
    await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    await cortex.complete({ projectId, messages: question, operationType: 'chat' });
    assert.equal(fake.requestsTo('/openai').length, 2, 'temperature 0.7 is not cached by default');
    await cortex.complete({ projectId, messages: question, operationType: 'chat', cache: 'always' });
    const hit = await cortex.complete({ projectId, messages: question, operationType: 'chat', cache: 'always' });
    assert.equal(fake.requestsTo('/openai').length, 3);
    assert.deepEqual([hit.cached, hit.savedCost], [true, '0.0125']);
    const stats = await cacheStats(database.db, cortex.cacheTtlSeconds);
    const openai = stats.byProvider.find((p) => p.provider === 'openai')!;
    assert.deepEqual([openai.entries, openai.hits, openai.savedCost], [1, 1, '0.0125']);
    assert.equal(stats.savedCost, '0.0125');
  });

  it('tests one configuration, enabled or not, without the cache', async () => {
    const projectId = await project({ provider: 'openai', enabled: false, temperature: 0 });
    fake.on('/openai', openAiCompletion('OK'));
    await assert.rejects(
      cortex.complete({ projectId, messages: question, operationType: 'chat' }),
      /no enabled AI provider/,
    );
    const providers = await listProviders(database.db, box, projectId);
    const tested = await cortex.testProvider(projectId, providers[0]!.id);
    assert.equal(tested.text, 'OK');
    await cortex.testProvider(projectId, providers[0]!.id);
    assert.equal(fake.requestsTo('/openai').length, 2);
    assert.equal(fake.requestsTo('/openai')[0]!.body.max_tokens, 16);
  });
});

describe('prompt hash and pricing', () => {
  it('hashes the canonical JSON: key order does not matter, content does', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] }), '{"a":[{"d":2,"e":null}],"b":1}');
    const base = {
      provider: 'anthropic',
      model: 'm',
      messages: question,
      parameters: { temperature: 0, maxTokens: 10 },
      tools: [],
    };
    const reordered = {
      tools: [],
      parameters: { maxTokens: 10, temperature: 0 },
      messages: question,
      model: 'm',
      provider: 'anthropic',
    };
    assert.equal(promptHash(base), promptHash(reordered));
    assert.match(promptHash(base), /^[0-9a-f]{64}$/);
    assert.notEqual(promptHash(base), promptHash({ ...base, model: 'n' }));
    assert.notEqual(promptHash(base), promptHash({ ...base, parameters: { temperature: 0, maxTokens: 11 } }));
  });
});
