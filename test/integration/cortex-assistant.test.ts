/**
 * The Cockpit assistant's host handlers on MariaDB with loopback providers: the project context,
 * chat with tool calls recorded as `chat` / `tool_call`, the conversation kept in context_windows,
 * provider management from the panel without the key ever coming back, and the cost estimate of a
 * Bin change stored as `estimation` usage and as the propagation's token_cost.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { and, asc, eq } from 'drizzle-orm';
import { BinWorker, showChange, submitChange } from '../../src/core/bin/index.js';
import { buildProjectContext, contextPrompt } from '../../src/core/cortex/assistant.js';
import { Cortex } from '../../src/core/cortex/cortex.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import { approveWithEstimate, estimatePropagation, INSTRUCTION_TOKENS } from '../../src/core/cortex/estimation.js';
import { listProviders } from '../../src/core/cortex/providers.js';
import { tokenUsageRecorder } from '../../src/core/cortex/usage.js';
import { parsePricingOverrides, Pricing } from '../../src/core/tokens/pricing.js';
import { contextWindows, profiles, propagationLog, syncBuffer, tokenUsage } from '../../src/db/schema/index.js';
import { assistantHandlers, type AssistantHost } from '../../src/vscode/assistant-handlers.js';
import { createDispatcher } from '../../src/vscode/webview/dispatcher.js';
import type { ResponseMessage } from '../../src/protocol.js';
import { createHierarchy, type Hierarchy } from '../support/bin.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dumpAllTables } from '../support/cortex.js';
import { anthropicMessage, FakeProviders, openAiCompletion } from '../support/fake-providers.js';

const KEY = 'sk-ant-PANEL-SECRET-zzzz9876';
const OTHER_KEY = 'sk-openai-PANEL-SECRET-yyyy5432';
const actor = 'dev@example.com';
const PRICING = new Pricing(
  undefined,
  parsePricingOverrides({ 'claude-test-1': { input: 3, output: 15 }, 'gpt-test-1': { input: 2.5, output: 10 } }),
);
const decision = (title: string, timestamp: string) => ({
  title,
  context: 'why',
  decision: `We do ${title}`,
  status: 'accepted',
  timestamp,
  author: actor,
});

describe('Cockpit assistant host (MariaDB, loopback providers)', () => {
  let database: TestDatabase;
  let project: Hierarchy;
  const fake = new FakeProviders();
  const box = new SecretBox([generateMasterKey(1)]);
  /** Every response the panel's dispatcher sent back, as the webview would receive it. */
  const sent: ResponseMessage[] = [];
  let nextId = 1;
  let confirm = true;
  let request: <R>(method: string, params: unknown) => Promise<R>;

  before(async () => {
    database = await createTestDatabase();
    await fake.start();
    project = await createHierarchy(database.db, [
      [
        { type: 'checklist', name: 'Release', configuration: { items: [{ text: 'Ship it', done: false }] } },
        {
          type: 'decision_log',
          name: 'Architecture',
          configuration: {
            entries: [decision('Use TiDB', '2026-01-01T10:00:00Z'), decision('Use Lit', '2026-02-01T10:00:00Z')],
            subscriptions: ['decision.*'],
          },
        },
      ],
      [{ type: 'decision_log', name: 'Other log', configuration: { entries: [], subscriptions: ['decision.*'] } }],
    ]);
    await database.db
      .update(profiles)
      .set({ activeDashboardId: project.dashboards[0]!.id })
      .where(eq(profiles.id, project.profileId));
    const host: AssistantHost = {
      database: async () => database,
      project: async () => ({ id: project.projectId, name: 'bin-test' }),
      box: async () => box,
      actor: async () => actor,
      cortex: async () =>
        new Cortex({ db: database.db, box, actor, usage: tokenUsageRecorder(database.db, PRICING), timeoutMs: 2000 }),
      confirmDelete: async () => confirm,
    };
    const dispatch = createDispatcher(assistantHandlers(host), {
      logError: (m) => assert.fail(`unexpected failure: ${m}`),
    });
    request = async <R>(method: string, params: unknown) => {
      const response = await dispatch({ kind: 'request', id: nextId++, method, params });
      sent.push(response);
      if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
      return response.result as R;
    };
  });
  after(async () => {
    await fake.stop();
    await database?.drop();
  });

  it('builds the context from the active dashboard, its modules, the decisions and recent Bin changes', async () => {
    await submitChange(database.db, {
      projectId: project.projectId,
      changeType: 'decision.accepted',
      payload: { title: 'x' },
      actor,
    });
    const context = await buildProjectContext(database.db, project.projectId);
    assert.equal(context.dashboard?.name, 'Dashboard 0');
    assert.deepEqual(
      context.modules.map((m) => m.name),
      ['Release', 'Architecture'],
    );
    assert.deepEqual(
      context.decisions.map((d) => d.title),
      ['Use Lit', 'Use TiDB'],
      'newest first, read even where the log also holds Bin subscriptions',
    );
    assert.deepEqual(
      context.recentChanges.map((c) => [c.changeType, c.status]),
      [['decision.accepted', 'PENDING']],
    );
    const prompt = contextPrompt(context);
    assert.match(prompt, /Active dashboard: "Dashboard 0" \(profile "Builder"\)/);
    assert.match(prompt, /\[accepted\] Use Lit \(Architecture/);
    assert.match(prompt, /decision\.accepted PENDING/);
    await assert.rejects(buildProjectContext(database.db, 'nope'), /Project nope does not exist/);
  });

  it('adds, edits, tests and deletes providers from the panel; the key only ever comes back masked', async () => {
    let state = await request<{ providers: Array<{ id: string; keyHint: string | null; provider: string }> }>(
      'assistant/provider/add',
      { provider: 'anthropic', model: 'claude-test-1', baseUrl: `${fake.baseUrl}/anthropic`, apiKey: KEY },
    );
    assert.deepEqual(
      state.providers.map((p) => [p.provider, p.keyHint]),
      [['anthropic', '••••9876']],
    );
    state = await request('assistant/provider/add', {
      provider: 'openai',
      model: 'gpt-test-1',
      baseUrl: `${fake.baseUrl}/openai`,
      apiKey: OTHER_KEY,
    });
    const openai = state.providers.find((p) => p.provider === 'openai')!;
    await assert.rejects(
      request('assistant/provider/add', { provider: 'openai', model: 'gpt-test-1', apiKey: 'has space' }),
      (e: Error) => /Invalid apiKey: contains spaces/.test(e.message) && !e.message.includes('has space'),
    );
    await assert.rejects(request('assistant/provider/add', { provider: 'anthropic', model: 'x' }), /needs an API key/);
    const long = `sk-${'L'.repeat(420)}`;
    await assert.rejects(
      request('assistant/provider/add', { provider: 'openai', model: 'gpt-test-1', apiKey: long }),
      (e: Error) => /params\.apiKey/.test(e.message) && !e.message.includes('LLLL'),
    );

    fake.on('/openai', openAiCompletion('OK'));
    const test = await request<{ ok: boolean; message: string }>('assistant/provider/test', { id: openai.id });
    assert.equal(test.ok, true);
    assert.match(test.message, /openai \(gpt-test-1\) answered: "OK"/);
    fake.on('/openai', { status: 401, body: { error: { message: 'bad key' } } });
    const failed = await request<{ ok: boolean; message: string }>('assistant/provider/test', { id: openai.id });
    assert.equal(failed.ok, false);
    assert.match(failed.message, /No AI provider answered/);

    state = await request('assistant/provider/update', { id: openai.id, enabled: false, priority: 5 });
    assert.equal(state.providers.find((p) => p.id === openai.id)?.keyHint, '••••5432');
    await assert.rejects(request('assistant/provider/update', { id: openai.id, temperature: 3 }), /params.temperature/);
    await assert.rejects(request('assistant/provider/update', { id: randomUUID() }), /does not exist/);

    confirm = false;
    state = await request('assistant/provider/delete', { id: openai.id });
    assert.equal(state.providers.length, 2, 'not confirmed: kept');
    confirm = true;
    state = await request('assistant/provider/delete', { id: openai.id });
    assert.deepEqual(
      state.providers.map((p) => p.provider),
      ['anthropic'],
    );
    const everything = JSON.stringify(sent);
    assert.ok(!everything.includes(KEY) && !everything.includes(OTHER_KEY), 'no response holds a plaintext key');
    assert.ok(everything.includes('••••9876'));
  });

  it('answers through complete() with the project context, runs tools as steps and keeps the conversation', async () => {
    fake.reset();
    fake.on(
      '/anthropic',
      {
        body: {
          id: 'msg_tool',
          type: 'message',
          role: 'assistant',
          model: 'claude-test-1',
          content: [
            { type: 'text', text: 'Let me look.' },
            {
              type: 'tool_use',
              id: 'toolu_1',
              name: 'submit_bin_change',
              input: { changeType: 'decision.proposed', payload: { title: 'From the assistant' } },
            },
          ],
          stop_reason: 'tool_use',
          usage: { input_tokens: 300, output_tokens: 40 },
        },
      },
      anthropicMessage('Submitted; it waits in the Bin.', { input_tokens: 420, output_tokens: 12 }),
    );
    const { turn, state } = await request<{
      turn: {
        answer: string;
        provider: string;
        cost: string;
        steps: Array<{ kind: string; label: string; ok: boolean; detail: string }>;
      };
      state: { conversation: { messages: Array<{ role: string; content: string }>; currentTokens: number } };
    }>('assistant/ask', { question: 'Propose a decision for the release' });
    assert.equal(turn.answer, 'Submitted; it waits in the Bin.');
    assert.equal(turn.provider, 'anthropic');
    // 300×3 + 40×15 + 420×3 + 12×15 = 2940 per million tokens.
    assert.equal(turn.cost, '0.0029');
    assert.deepEqual(
      turn.steps.map((s) => [s.kind, s.label, s.ok]),
      [
        ['completion', 'chat', true],
        ['tool', 'submit_bin_change', true],
        ['completion', 'tool_call', true],
      ],
    );

    const [first] = fake.requestsTo('/anthropic');
    assert.match(String(first!.body.system), /Active dashboard: "Dashboard 0"/);
    assert.ok((first!.body.tools as unknown[]).length >= 5, 'the registered tools are offered');

    const changes = await database.db
      .select()
      .from(syncBuffer)
      .where(and(eq(syncBuffer.projectId, project.projectId), eq(syncBuffer.changeType, 'decision.proposed')));
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.status, 'PENDING');
    assert.match(turn.steps[1]!.detail, new RegExp(changes[0]!.id));

    const usage = await database.db
      .select({ operationType: tokenUsage.operationType, input: tokenUsage.inputTokens })
      .from(tokenUsage)
      .where(eq(tokenUsage.projectId, project.projectId))
      .orderBy(asc(tokenUsage.timestamp));
    assert.deepEqual(
      usage.slice(-2).map((u) => [u.operationType, u.input]),
      [
        ['chat', 300],
        ['tool_call', 420],
      ],
    );

    assert.deepEqual(
      state.conversation.messages.map((m) => m.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
    const [window] = await database.db
      .select()
      .from(contextWindows)
      .where(eq(contextWindows.projectId, project.projectId));
    assert.equal(window!.currentTokens, state.conversation.currentTokens);

    // After a reload the panel asks for its state: the conversation comes back from context_windows.
    const restored = await request<{ conversation: { messages: Array<{ content: string }> } }>('assistant/state', {});
    assert.equal(restored.conversation.messages.at(-1)?.content, 'Submitted; it waits in the Bin.');

    const cleared = await request<{ conversation: { messages: unknown[] } }>('assistant/clear', {});
    assert.equal(cleared.conversation.messages.length, 0);
    const dump = await dumpAllTables(database);
    assert.ok(!dump.includes(KEY), 'the database holds no plaintext key');
    assert.ok(!JSON.stringify(sent).includes(KEY), 'no response holds the key');
  });

  it('stops asking for tools after 4 rounds and answers the unrun calls, so the next question still works', async () => {
    fake.reset();
    const toolUse = (n: number) => ({
      body: {
        id: `msg_loop_${n}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-test-1',
        content: [{ type: 'tool_use', id: `toolu_loop_${n}`, name: 'list_dashboards', input: {} }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 50, output_tokens: 5 },
      },
    });
    fake.on('/anthropic', toolUse(1), toolUse(2), toolUse(3), toolUse(4), toolUse(5));
    const { turn, state } = await request<{
      turn: { steps: Array<{ kind: string; label: string }> };
      state: { conversation: { messages: Array<{ role: string; content: string }> } };
    }>('assistant/ask', { question: 'Loop forever' });
    assert.equal(turn.steps.filter((s) => s.kind === 'completion').length, 5, 'chat + 4 tool_call rounds');
    assert.equal(turn.steps.filter((s) => s.kind === 'tool').length, 4);
    assert.match(state.conversation.messages.at(-1)!.content, /Not run: the assistant reached its tool-round limit/);

    fake.on('/anthropic', anthropicMessage('Back to normal.'));
    const next = await request<{ turn: { answer: string } }>('assistant/ask', { question: 'And now?' });
    assert.equal(next.turn.answer, 'Back to normal.');
    const last = fake.requestsTo('/anthropic').at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
    assert.match(JSON.stringify(last.at(-2)), /tool_result.*toolu_loop_5/, 'the unrun call has its result');
    await request('assistant/clear', {});
  });

  it('shows a prompt-cache hit as saved cost (deterministic provider, same question and context)', async () => {
    fake.reset();
    fake.on('/anthropic', anthropicMessage('Cached answer.', { input_tokens: 1000, output_tokens: 100 }));
    const [anthropic] = await listProviders(database.db, undefined, project.projectId);
    await request('assistant/provider/update', { id: anthropic!.id, temperature: 0 });
    type Turn = { turn: { cost: string; savedCost: string; cached: boolean } };
    const first = await request<Turn>('assistant/ask', { question: 'Summarise the release' });
    await request('assistant/clear', {});
    const second = await request<Turn>('assistant/ask', { question: 'Summarise the release' });
    assert.equal(fake.requestsTo('/anthropic').length, 1, 'the second answer came from the cache');
    // 1000×3 + 100×15 per million tokens.
    assert.deepEqual(first.turn, { ...first.turn, cost: '0.0045', savedCost: '0.0000', cached: false });
    assert.deepEqual(second.turn, { ...second.turn, cost: '0.0000', savedCost: '0.0045', cached: true });
    await request('assistant/clear', {});
  });

  it('estimates a Bin change before approval and stores it as estimation usage and token_cost', async () => {
    const id = await submitChange(database.db, {
      projectId: project.projectId,
      changeType: 'decision.accepted',
      payload: { title: 'Estimate me', rationale: 'r'.repeat(400) },
      sourceModuleId: project.dashboards[0]!.modules[1],
      actor,
    });
    await new BinWorker(database.db, { autoPropagate: false }).drain();
    const estimate = await estimatePropagation(database.db, id, { pricing: PRICING });
    assert.deepEqual(estimate.provider && [estimate.provider.provider, estimate.provider.model], [
      'anthropic',
      'claude-test-1',
    ]);
    assert.deepEqual(
      estimate.dashboards.map((d) => d.dashboardId),
      [project.dashboards[1]!.id],
    );
    assert.ok(estimate.inputTokens > INSTRUCTION_TOKENS + 100, 'payload and module configuration counted');
    assert.equal(estimate.outputTokens, estimate.dashboards[0]!.outputTokens);
    assert.equal(estimate.priced, true);
    assert.notEqual(estimate.cost, '0.0000');

    await approveWithEstimate(database.db, estimate, actor, { pricing: PRICING });
    await assert.rejects(approveWithEstimate(database.db, estimate, actor), /already queued/);
    await new BinWorker(database.db).drain();
    const details = await showChange(database.db, id);
    assert.equal(details.status, 'PROPAGATED');
    const logged = await database.db.select().from(propagationLog).where(eq(propagationLog.syncBufferId, id));
    assert.deepEqual(
      logged.map((l) => l.tokenCost),
      [estimate.inputTokens + estimate.outputTokens],
    );
    const recorded = await database.db
      .select()
      .from(tokenUsage)
      .where(and(eq(tokenUsage.projectId, project.projectId), eq(tokenUsage.operationType, 'estimation')));
    assert.equal(recorded.length, 1, 'recorded once although approval was tried twice');
    assert.equal(recorded[0]!.inputTokens, estimate.inputTokens);
    assert.equal(recorded[0]!.totalCost, estimate.cost);
  });

  it('estimates nothing when the project has no enabled provider: AI takes no part', async () => {
    for (const p of await listProviders(database.db, undefined, project.projectId))
      await request('assistant/provider/update', { id: p.id, enabled: false });
    const id = await submitChange(database.db, {
      projectId: project.projectId,
      changeType: 'decision.accepted',
      payload: { title: 'No AI' },
      sourceModuleId: project.dashboards[0]!.modules[1],
      actor,
    });
    await assert.rejects(estimatePropagation(database.db, id), /PENDING and not analysed yet/);
    await new BinWorker(database.db, { autoPropagate: false }).drain();
    const estimate = await estimatePropagation(database.db, id);
    assert.equal(estimate.provider, null);
    await approveWithEstimate(database.db, estimate, actor);
    await new BinWorker(database.db).drain();
    const logged = await database.db.select().from(propagationLog).where(eq(propagationLog.syncBufferId, id));
    assert.deepEqual(
      logged.map((l) => l.tokenCost),
      [0],
    );
  });
});
