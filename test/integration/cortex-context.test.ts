import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { contextWindows } from '../../src/db/schema/index.js';
import { Cortex } from '../../src/core/cortex/cortex.js';
import {
  appendMessages,
  ask,
  clearContextWindow,
  estimateTokens,
  newContextWindow,
  openContextWindow,
  pinMessage,
  setSystemPrompt,
  trimToFit,
  type ContextMessage,
} from '../../src/core/cortex/context.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import { addProvider } from '../../src/core/cortex/providers.js';
import { tokenUsageRecorder } from '../../src/core/cortex/usage.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createProject } from '../support/cortex.js';
import { anthropicMessage, FakeProviders } from '../support/fake-providers.js';

const msg = (
  id: string,
  role: ContextMessage['role'],
  tokens: number,
  extra: Partial<ContextMessage> = {},
): ContextMessage => ({
  id,
  role,
  content: id,
  tokens,
  estimated: false,
  pinned: false,
  at: '',
  ...extra,
});

describe('context window trimming (pure)', () => {
  it('estimates 1 token per 4 UTF-8 bytes plus 4 per message', () => {
    assert.equal(estimateTokens({ content: '' }), 4);
    assert.equal(estimateTokens({ content: 'abcd' }), 5);
    assert.equal(estimateTokens({ content: 'abcde' }), 6);
    assert.equal(estimateTokens({ content: 'é'.repeat(4) }), 6);
  });

  it('drops oldest first, keeping the system prompt and pinned messages', () => {
    const history = [
      msg('sys', 'system', 10),
      msg('u1', 'user', 20),
      msg('a1', 'assistant', 20),
      msg('u2', 'user', 20, { pinned: true }),
      msg('a2', 'assistant', 20),
    ];
    assert.deepEqual(trimToFit(history, 10, 100).dropped, [], 'fits exactly at the limit (90 + 10)');
    const { kept, dropped } = trimToFit(history, 11, 100);
    assert.deepEqual(
      dropped.map((m) => m.id),
      ['u1', 'a1'],
      'an orphan assistant at the start goes too',
    );
    assert.deepEqual(
      kept.map((m) => m.id),
      ['sys', 'u2', 'a2'],
    );
    assert.throws(() => trimToFit(history, 80, 100), /system prompt and pinned messages \(30 tokens\)/);
  });

  it('removes tool results together with the call they answer', () => {
    const history = [
      msg('u1', 'user', 10),
      msg('a1', 'assistant', 10, { toolCalls: [{ id: 'c1', name: 'git_log', arguments: {} }] }),
      msg('t1', 'tool', 10, { toolCallId: 'c1' }),
      msg('a2', 'assistant', 10),
      msg('u2', 'user', 10),
    ];
    const { kept } = trimToFit(history, 25, 50);
    assert.deepEqual(
      kept.map((m) => m.id),
      ['u2'],
    );
  });
});

describe('context windows with a provider', () => {
  let database: TestDatabase;
  const fake = new FakeProviders();
  const box = new SecretBox([generateMasterKey(1)]);
  let cortex: Cortex;
  let projectId: string;

  before(async () => {
    database = await createTestDatabase();
    await fake.start();
    projectId = await createProject(database);
    await addProvider(database.db, box, 'dev@example.com', {
      projectId,
      provider: 'anthropic',
      model: 'claude-test-1',
      apiKey: 'sk-ant-context-test-key',
      baseUrl: `${fake.baseUrl}/anthropic`,
      temperature: 0.5,
    });
    cortex = new Cortex({ db: database.db, box, actor: 'dev@example.com', usage: tokenUsageRecorder(database.db) });
  });
  after(async () => {
    await fake.stop();
    await database?.drop();
  });

  it('opens one conversation per project with the default 200 000-token window', async () => {
    const window = await openContextWindow(database.db, projectId);
    assert.equal(window.maxTokens, 200_000);
    assert.equal(window.currentTokens, 0);
    assert.equal((await openContextWindow(database.db, projectId)).id, window.id);
    await assert.rejects(newContextWindow(database.db, 'nope'), /Project nope does not exist/);
  });

  it('keeps exact provider counts and trims oldest-first at the limit, keeping system prompt and pins', async () => {
    let window = await newContextWindow(database.db, projectId, { maxTokens: 300 });
    window = await setSystemPrompt(database.db, window.id, 'You answer about the project.');
    const systemTokens = window.messages[0]!.tokens;
    assert.equal(window.currentTokens, systemTokens);

    // The provider says the prompt (system + question) was 40 tokens and the answer 30.
    fake.on('/anthropic', anthropicMessage('First answer.', { input_tokens: 40, output_tokens: 30 }));
    const first = await ask(cortex, { windowId: window.id, question: 'First question?', reserveTokens: 50 });
    const [, q1, a1] = first.window.messages;
    assert.deepEqual([q1!.tokens, q1!.estimated, a1!.tokens, a1!.estimated], [40 - systemTokens, false, 30, false]);
    assert.equal(first.window.currentTokens, 70, 'prompt + answer, exactly as the provider counted');
    const [row] = await database.db.select().from(contextWindows).where(eq(contextWindows.id, window.id));
    assert.equal(row!.currentTokens, 70);
    const sent = fake.requestsTo('/anthropic')[0]!.body;
    assert.equal(sent.system, 'You answer about the project.');

    await pinMessage(database.db, window.id, q1!.id, true);
    fake.on('/anthropic', anthropicMessage('Second answer.', { input_tokens: 150, output_tokens: 60 }));
    const second = await ask(cortex, { windowId: window.id, question: 'Second question?', reserveTokens: 50 });
    assert.equal(second.window.currentTokens, 210);
    assert.deepEqual(second.dropped, []);

    // 210 in the window + the third question (8, estimated) + 90 reserved > 300: the oldest unpinned (a1) goes;
    // the system prompt and the pinned first question stay.
    fake.on('/anthropic', anthropicMessage('Third answer.', { input_tokens: 190, output_tokens: 20 }));
    const third = await ask(cortex, { windowId: window.id, question: 'Third question?', reserveTokens: 90 });
    assert.deepEqual(
      third.dropped.map((m) => m.content),
      ['First answer.'],
    );
    assert.deepEqual(
      third.window.messages.map((m) => m.content),
      [
        'You answer about the project.',
        'First question?',
        'Second question?',
        'Second answer.',
        'Third question?',
        'Third answer.',
      ],
    );
    const lastSent = fake.requestsTo('/anthropic').at(-1)!.body.messages as Array<{ content: string }>;
    assert.ok(!lastSent.some((m) => m.content === 'First answer.'), 'the trimmed message was not sent');
    assert.equal(
      third.window.currentTokens,
      third.window.messages.reduce((s, m) => s + m.tokens, 0),
    );
    assert.equal(third.window.currentTokens, 210, '180 kept + 10 (190 prompt − 180 sent) + 20');
  });

  it('refuses a question that cannot fit beside the kept messages, and clears to the kept ones', async () => {
    let window = await newContextWindow(database.db, projectId, { maxTokens: 100 });
    window = await appendMessages(database.db, window.id, [
      { role: 'system', content: 'System.', tokens: 60 },
      { role: 'user', content: 'Keep me.', pinned: true, tokens: 30 },
      { role: 'assistant', content: 'Answer.', tokens: 5 },
    ]);
    assert.equal(window.currentTokens, 95);
    await assert.rejects(
      ask(cortex, { windowId: window.id, question: 'x'.repeat(100), reserveTokens: 0 }),
      /exceed this conversation's 100-token window/,
    );
    const cleared = await clearContextWindow(database.db, window.id);
    assert.deepEqual(
      cleared.messages.map((m) => m.content),
      ['System.', 'Keep me.'],
    );
    assert.equal(cleared.currentTokens, 90);
  });
});
