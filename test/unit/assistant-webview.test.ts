/**
 * The built assistant view (dist/webview/assistant.js — needs `npm run build`) in headless
 * Chromium under the production CSP, with a fake host answering through the real dispatcher.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CockpitError } from '../../src/core/errors.js';
import type { AssistantAnswerView, AssistantProviderView, AssistantState } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness } from '../support/webview-page.js';

const KEY = 'sk-ant-VIEW-SECRET-4321';
const provider: AssistantProviderView = {
  id: 'cfg-1',
  provider: 'anthropic',
  model: 'claude-test-1',
  baseUrl: null,
  temperature: '0.70',
  maxTokens: 4096,
  enabled: true,
  priority: 0,
  keyHint: '••••4321',
};

const turn: AssistantAnswerView = {
  answer: 'Two decisions are accepted.',
  provider: 'anthropic',
  model: 'claude-test-1',
  inputTokens: 720,
  outputTokens: 52,
  cost: '0.0029',
  savedCost: '0.0011',
  cached: false,
  steps: [
    {
      kind: 'completion',
      label: 'chat',
      ok: true,
      detail: 'anthropic · claude-test-1',
      inputTokens: 300,
      outputTokens: 40,
      cost: '0.0015',
      savedCost: null,
    },
    {
      kind: 'tool',
      label: 'list_dashboards',
      ok: true,
      detail: '[{"dashboard":"Main"}]',
      inputTokens: 0,
      outputTokens: 0,
      cost: null,
      savedCost: null,
    },
    {
      kind: 'completion',
      label: 'tool_call',
      ok: true,
      detail: 'anthropic · claude-test-1 · prompt cache',
      inputTokens: 420,
      outputTokens: 12,
      cost: null,
      savedCost: '0.0011',
    },
  ],
};

function stateWith(providers: AssistantProviderView[], messages: AssistantState['conversation']): AssistantState {
  return {
    project: { id: 'prj', name: 'Demo project' },
    problem: null,
    dashboard: 'Ship (Builder)',
    providers,
    conversation: messages,
  };
}

const empty = { messages: [], currentTokens: 0, maxTokens: 200_000 };
const answered = {
  messages: [
    { id: 'q1', role: 'user' as const, content: 'What did we decide?', tokens: 9, at: '2026-11-27T12:00:00Z' },
    { id: 'a1', role: 'assistant' as const, content: 'Two decisions are accepted.', tokens: 12, at: '' },
  ],
  currentTokens: 21,
  maxTokens: 200_000,
};

describe('Assistant webview in headless Chromium', () => {
  let harness: WebviewHarness;
  before(async () => {
    harness = await startWebviewHarness({ view: 'assistant' });
  });
  after(async () => harness?.close());

  it('asks, shows the answer with provider, tokens, cost, saved cost and the tool steps; restores after reload', async () => {
    let conversation: AssistantState['conversation'] = empty;
    const handlers: RequestHandlers = {
      'view/ready': () => ({ view: 'assistant' }),
      'assistant/state': () => stateWith([provider], conversation),
      'assistant/ask': () => {
        conversation = answered;
        return { turn, state: stateWith([provider], conversation) };
      },
    };
    const view = await harness.open(handlers);
    const app = view.page.locator('cockpit-assistant');
    await app.locator('text=Dashboard: Ship (Builder)').waitFor();
    await app.locator('vscode-textarea[aria-label="Question"] textarea').fill('What did we decide?');
    await app.locator('vscode-button.ask-button').click();
    const answer = app.locator('.message.assistant');
    await answer.waitFor();
    assert.match(await answer.innerText(), /Two decisions are accepted\./);
    const meta = await answer.locator('[data-meta]').innerText();
    assert.match(meta, /anthropic · claude-test-1/);
    assert.match(meta, /720 in \/ 52 out/);
    assert.match(meta, /\$0\.0029/);
    assert.match(meta, /saved \$0\.0011 from the prompt cache/);
    const steps = await answer.locator('ol.steps li').allInnerTexts();
    assert.equal(steps.length, 3);
    assert.match(steps[1]!, /Tool list_dashboards/);
    assert.match(steps[2]!, /tool_call: .*prompt cache.*saved \$0\.0011/);
    assert.deepEqual(
      view.received.filter((r) => r.method === 'assistant/ask').map((r) => r.params),
      [{ question: 'What did we decide?' }],
    );
    assert.equal((view.savedState as { question: string }).question, '', 'the sent question is cleared');
    assert.deepEqual(view.violations, []);

    // A reload: the conversation comes from the host, the answer's details from the saved state.
    const reloaded = await harness.open(handlers, view.savedState);
    const again = reloaded.page.locator('cockpit-assistant .message.assistant [data-meta]');
    await again.waitFor();
    assert.match(await again.innerText(), /\$0\.0029/);
    assert.deepEqual(reloaded.violations, []);
    await view.page.close();
    await reloaded.page.close();
  });

  it('keeps the typed question and shows the error when the host refuses', async () => {
    const view = await harness.open({
      'view/ready': () => ({ view: 'assistant' }),
      'assistant/state': () => stateWith([], empty),
      'assistant/ask': () => {
        throw new CockpitError('invalid', 'Project prj has no enabled AI provider; add one first.');
      },
    });
    const app = view.page.locator('cockpit-assistant');
    await app.locator('text=no enabled AI provider: add one under Providers').waitFor();
    await app.locator('vscode-textarea[aria-label="Question"] textarea').fill('Anything?');
    await app.locator('vscode-button.ask-button').click();
    await app.locator('[role="alert"]', { hasText: 'has no enabled AI provider' }).waitFor();
    assert.equal((view.savedState as { question: string }).question, 'Anything?');
    await view.page.close();
  });

  it('adds a provider: the key goes to the host once, is never saved in state nor shown, only ••••4321', async () => {
    let providers: AssistantProviderView[] = [];
    const view = await harness.open({
      'view/ready': () => ({ view: 'assistant' }),
      'assistant/state': () => stateWith(providers, empty),
      'assistant/provider/add': () => {
        providers = [provider];
        return stateWith(providers, empty);
      },
      'assistant/provider/test': () => ({
        ok: true,
        message: 'anthropic (claude-test-1) answered: "OK"',
        durationMs: 42,
      }),
    });
    const app = view.page.locator('cockpit-assistant');
    await app.locator('nav button', { hasText: 'Providers' }).click();
    await app.locator('vscode-textfield#model input').fill('claude-test-1');
    await app.locator('vscode-textfield#key input').fill(KEY);
    assert.equal(await app.locator('vscode-textfield#key').getAttribute('type'), 'password');
    await app.locator('vscode-button.add-button').click();
    await app.locator('td.key-hint', { hasText: '••••4321' }).waitFor();

    const adds = view.received.filter((r) => r.method === 'assistant/provider/add');
    assert.deepEqual(
      adds.map((r) => r.params),
      [{ provider: 'anthropic', model: 'claude-test-1', apiKey: KEY }],
    );
    assert.equal(await app.locator('vscode-textfield#key input').inputValue(), '', 'the field is emptied');
    assert.ok(!JSON.stringify(view.savedState).includes(KEY), 'the key is not in the saved state');
    const text = await view.page.evaluate(() => {
      const root = document.querySelector('cockpit-assistant')!.shadowRoot!;
      return root.textContent ?? '';
    });
    assert.ok(!text.includes(KEY), 'the key is not rendered');

    await app.locator('tr[data-provider="cfg-1"] vscode-button', { hasText: 'Test' }).click();
    await app.locator('.test-result', { hasText: 'OK: anthropic (claude-test-1) answered: "OK" (42 ms)' }).waitFor();
    assert.deepEqual(view.violations, []);
    await view.page.close();
  });
});
