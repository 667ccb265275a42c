/**
 * The Cockpit assistant: ask about the project, see the answer with the provider, tokens and cost
 * (prompt-cache hits as saved cost) and the tool calls as steps; manage the project's AI providers.
 * An API key typed here is sent once to the host and never kept: not in the view's saved state,
 * not in the field after sending; the host only ever answers with `••••1234`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type {
  AssistantAnswerView,
  AssistantMessageView,
  AssistantProviderView,
  AssistantState,
  RequestMethod,
  RequestParams,
  RequestResults,
} from '../../src/protocol.js';
import { HostClient } from '../shared/client.js';
import { PersistentState } from '../shared/state.js';
import { baseStyles } from '../shared/styles.js';
import { vscodeApi } from '../shared/vscode-api.js';

type Kind = AssistantProviderView['provider'];
const KINDS: Kind[] = ['anthropic', 'openai', 'azure', 'local', 'vscode-lm'];
const MAX_TURNS = 50;

/** What survives a reload — never a key. The conversation itself comes back from the host. */
interface Saved {
  tab: 'chat' | 'providers';
  question: string;
  /** Provider, tokens, cost and steps of recent answers, by the answer's message id. */
  turns: Record<string, AssistantAnswerView & { at: string }>;
  addKind: Kind;
  addModel: string;
  addBaseUrl: string;
}

const api = vscodeApi<Saved>();
const host = new HostClient(api, 5 * 60_000);
const saved = new PersistentState<Saved>(api, {
  tab: 'chat',
  question: '',
  turns: {},
  addKind: 'anthropic',
  addModel: '',
  addBaseUrl: '',
});

const usd = (cost: string) => `$${cost}`;
const tokens = (n: number) => n.toLocaleString('en-US');
const valueOf = (e: Event) => (e.target as HTMLInputElement).value;

@customElement('cockpit-assistant')
export class CockpitAssistant extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0 16px 24px;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 12px;
        flex-wrap: wrap;
        padding: 8px 0;
        border-bottom: 1px solid var(--vscode-panel-border);
      }
      nav button {
        background: none;
        border: none;
        color: var(--vscode-foreground);
        font: inherit;
        padding: 4px 8px;
        cursor: pointer;
        border-bottom: 2px solid transparent;
      }
      nav button[aria-selected='true'] {
        border-bottom-color: var(--vscode-focusBorder);
      }
      .messages {
        display: flex;
        flex-direction: column;
        gap: 8px;
        margin: 12px 0;
      }
      .message .text,
      .message.user {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .message.user {
        align-self: flex-end;
        max-width: 85%;
        background: var(--vscode-input-background);
        border: 1px solid var(--vscode-input-border, var(--vscode-panel-border));
        border-radius: 4px;
        padding: 6px 10px;
      }
      .message.tool {
        font-family: var(--vscode-editor-font-family);
        font-size: 0.9em;
      }
      .meta {
        font-size: 0.9em;
        margin-top: 4px;
      }
      .saved {
        color: var(--vscode-charts-green, var(--vscode-foreground));
      }
      ol.steps {
        margin: 4px 0 0;
        padding-left: 20px;
        font-size: 0.9em;
      }
      ol.steps code {
        font-family: var(--vscode-editor-font-family);
        overflow-wrap: anywhere;
      }
      .ask {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      vscode-textarea,
      vscode-textfield,
      vscode-single-select {
        width: 100%;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        margin: 12px 0;
      }
      th,
      td {
        text-align: left;
        padding: 4px 6px;
        border-bottom: 1px solid var(--vscode-panel-border);
      }
      form {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 6px 10px;
        align-items: center;
        max-width: 640px;
      }
      form .actions {
        grid-column: 2;
      }
    `,
  ];

  @state() private model: AssistantState | undefined;
  @state() private error: string | undefined;
  @state() private busy = false;
  @state() private asking: string | undefined;
  /** The provider being edited, and the outcome of the last connection tests. */
  @state() private editing: string | undefined;
  @state() private tests: Record<string, { ok: boolean; message: string }> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    void this.refresh().then(() => host.request('view/ready', {}));
  }

  private async refresh(): Promise<void> {
    try {
      this.model = await host.request('assistant/state', {});
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Runs a request that answers with the new state; errors are shown, the input is kept. */
  private async run<M extends RequestMethod>(
    method: M,
    params: RequestParams<M>,
  ): Promise<RequestResults[M] | undefined> {
    this.busy = true;
    try {
      const result = await host.request(method, params);
      this.error = undefined;
      return result;
    } catch (error) {
      this.error = (error as Error).message;
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  override render(): TemplateResult {
    const model = this.model;
    const tab = saved.value.tab;
    return html`
      <header>
        <strong>${model?.project?.name ?? 'Assistant'}</strong>
        ${model?.dashboard ? html`<span class="muted">Dashboard: ${model.dashboard}</span>` : nothing}
        ${
          model?.conversation
            ? html`<span class="muted" title="Conversation tokens / window">
                ${tokens(model.conversation.currentTokens)} / ${tokens(model.conversation.maxTokens)} tokens
              </span>`
            : nothing
        }
        <nav class="grow" role="tablist">
          ${(['chat', 'providers'] as const).map(
            (t) =>
              html`<button
                role="tab"
                aria-selected=${tab === t ? 'true' : 'false'}
                @click=${() => (saved.update({ tab: t }), this.requestUpdate())}
              >
                ${t === 'chat' ? 'Chat' : `Providers${model ? ` (${model.providers.length})` : ''}`}
              </button>`,
          )}
        </nav>
      </header>
      ${this.error ? html`<p class="banner error" role="alert">${this.error}</p>` : nothing}
      ${
        !model
          ? html`<p class="muted" aria-busy="true">Loading…</p>`
          : !model.project
            ? html`<p class="empty">${model.problem}</p>`
            : tab === 'chat'
              ? this.chat(model)
              : this.providers(model)
      }
    `;
  }

  private chat(model: AssistantState): TemplateResult {
    const messages = model.conversation?.messages ?? [];
    return html`
      ${
        model.providers.some((p) => p.enabled)
          ? nothing
          : html`<p class="banner">This project has no enabled AI provider: add one under Providers.</p>`
      }
      <div class="messages" aria-live="polite">
        ${
          messages.length === 0 && !this.asking
            ? html`<p class="empty">Ask about this project: its dashboards, modules, decisions and Bin changes.</p>`
            : nothing
        }
        ${messages.map((m) => this.message(m))}
        ${
          this.asking
            ? html`<div class="message user">${this.asking}</div>
                <p class="muted" aria-busy="true">Thinking…</p>`
            : nothing
        }
      </div>
      <div class="ask">
        <vscode-textarea
          aria-label="Question"
          placeholder="Ask about the project…"
          rows="3"
          .value=${saved.value.question}
          @input=${(e: Event) => saved.update({ question: valueOf(e) })}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.ask();
          }}
        ></vscode-textarea>
        <div class="row">
          <vscode-button class="ask-button" ?disabled=${this.busy} @click=${() => void this.ask()}>Ask</vscode-button>
          <vscode-button secondary ?disabled=${this.busy || messages.length === 0} @click=${() => void this.clear()}
            >Clear conversation</vscode-button
          >
        </div>
      </div>
    `;
  }

  private message(m: AssistantMessageView): TemplateResult {
    if (m.role === 'user') return html`<div class="message user">${m.content}</div>`;
    if (m.role === 'tool') return html`<div class="message tool muted">Tool result: ${m.content.slice(0, 300)}</div>`;
    const turn = saved.value.turns[m.id];
    return html`<div class="message assistant card">
      <div class="text">${m.content}</div>
      ${m.toolCalls ? html`<div class="muted">Called ${m.toolCalls.join(', ')}</div>` : nothing}
      ${turn ? this.turnMeta(turn) : nothing}
    </div>`;
  }

  private turnMeta(turn: AssistantAnswerView): TemplateResult {
    const saving = turn.savedCost !== '0.0000';
    return html`<div class="meta muted" data-meta>
        <span class="provider">${turn.provider} · ${turn.model}</span> ·
        <span class="tokens">${tokens(turn.inputTokens)} in / ${tokens(turn.outputTokens)} out</span> ·
        <span class="cost">${usd(turn.cost)}</span>
        ${
          saving
            ? html` · <span class="saved">saved ${usd(turn.savedCost)} from the prompt cache</span>`
            : turn.cached
              ? html` · <span class="saved">from the prompt cache</span>`
              : nothing
        }
      </div>
      ${
        turn.steps.length > 1
          ? html`<ol class="steps">
              ${turn.steps.map(
                (s) =>
                  html`<li class=${s.ok ? '' : 'error'}>
                    ${
                      s.kind === 'tool'
                        ? html`Tool <strong>${s.label}</strong>${s.ok ? '' : ' failed'}:
                            <code>${s.detail.slice(0, 200)}</code>`
                        : html`${s.label}: ${s.detail}, ${tokens(s.inputTokens)} in / ${tokens(s.outputTokens)}
                          out${s.cost ? `, ${usd(s.cost)}` : ''}${s.savedCost ? `, saved ${usd(s.savedCost)}` : ''}`
                    }
                  </li>`,
              )}
            </ol>`
          : nothing
      }`;
  }

  private async ask(): Promise<void> {
    const question = saved.value.question.trim();
    if (!question || this.busy) return;
    this.asking = question;
    const result = await this.run('assistant/ask', { question });
    this.asking = undefined;
    if (!result) return; // the error is shown and the question kept
    const answerId = result.state.conversation?.messages.filter((m) => m.role === 'assistant').at(-1)?.id;
    const turns = { ...saved.value.turns };
    if (answerId) turns[answerId] = { ...result.turn, at: new Date().toISOString() };
    // Keep the most recent answers' details only.
    const kept = Object.entries(turns)
      .sort(([, a], [, b]) => b.at.localeCompare(a.at))
      .slice(0, MAX_TURNS);
    saved.update({ question: '', turns: Object.fromEntries(kept) });
    this.model = result.state;
  }

  private async clear(): Promise<void> {
    const result = await this.run('assistant/clear', {});
    if (result) {
      saved.update({ turns: {} });
      this.model = result;
    }
  }

  private providers(model: AssistantState): TemplateResult {
    return html`
      ${
        model.providers.length === 0
          ? html`<p class="empty">No AI provider yet. Add one below; it is tried in priority order.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Priority</th>
                  <th>Provider</th>
                  <th>Model</th>
                  <th>Key</th>
                  <th>State</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${model.providers.map((p) => this.providerRow(p))}
              </tbody>
            </table>`
      }
      ${this.editing ? this.editForm(model.providers.find((p) => p.id === this.editing)) : this.addForm()}
    `;
  }

  private providerRow(p: AssistantProviderView): TemplateResult {
    const test = this.tests[p.id];
    return html`<tr data-provider=${p.id}>
        <td>${p.priority}</td>
        <td>${p.provider}</td>
        <td>${p.model}${p.baseUrl ? html`<div class="muted">${p.baseUrl}</div>` : nothing}</td>
        <td class="key-hint">${p.keyHint ?? html`<span class="muted">none</span>`}</td>
        <td>${p.enabled ? 'enabled' : html`<span class="muted">disabled</span>`}</td>
        <td class="row">
          <vscode-button secondary ?disabled=${this.busy} @click=${() => void this.test(p.id)}>Test</vscode-button>
          <vscode-button secondary ?disabled=${this.busy} @click=${() => (this.editing = p.id)}>Edit</vscode-button>
          <vscode-button
            secondary
            ?disabled=${this.busy}
            @click=${async () => {
              const next = await this.run('assistant/provider/delete', { id: p.id });
              if (next) this.model = next;
            }}
            >Delete</vscode-button
          >
        </td>
      </tr>
      ${
        test
          ? html`<tr>
              <td></td>
              <td colspan="5" class=${test.ok ? 'muted test-result' : 'error test-result'}>${test.message}</td>
            </tr>`
          : nothing
      }`;
  }

  private async test(id: string): Promise<void> {
    const result = await this.run('assistant/provider/test', { id });
    if (!result) return;
    const message = `${result.ok ? 'OK' : 'Failed'}: ${result.message}${result.durationMs !== null ? ` (${result.durationMs} ms)` : ''}`;
    this.tests = { ...this.tests, [id]: { ok: result.ok, message } };
  }

  /** The key field: a password field whose value lives only in the DOM until it is sent. */
  private keyField(label: string): TemplateResult {
    return html`<label for="key">${label}</label>
      <vscode-textfield id="key" type="password" aria-label=${label} autocomplete="off"></vscode-textfield>`;
  }

  private takeKey(): string {
    const field = this.renderRoot.querySelector<HTMLInputElement>('#key');
    const key = field?.value ?? '';
    if (field) field.value = '';
    return key.trim();
  }

  private addForm(): TemplateResult {
    const v = saved.value;
    const needsUrl = v.addKind === 'azure' || v.addKind === 'local';
    return html`<h3>Add a provider</h3>
      <form
        class="add"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.add();
        }}
      >
        <label for="kind">Provider</label>
        <vscode-single-select
          id="kind"
          aria-label="Provider"
          .value=${v.addKind}
          @change=${(e: Event) => (saved.update({ addKind: valueOf(e) as Kind }), this.requestUpdate())}
        >
          ${KINDS.map((k) => html`<vscode-option value=${k}>${k}</vscode-option>`)}
        </vscode-single-select>
        <label for="model">Model</label>
        <vscode-textfield
          id="model"
          aria-label="Model"
          placeholder=${v.addKind === 'azure' ? 'deployment name' : 'e.g. claude-sonnet-4-5, gpt-4o, llama3.2'}
          .value=${v.addModel}
          @input=${(e: Event) => saved.update({ addModel: valueOf(e) })}
        ></vscode-textfield>
        ${
          needsUrl
            ? html`<label for="url">Base URL</label>
                <vscode-textfield
                  id="url"
                  aria-label="Base URL"
                  placeholder=${v.addKind === 'azure' ? 'https://<resource>.openai.azure.com' : 'http://127.0.0.1:11434/v1'}
                  .value=${v.addBaseUrl}
                  @input=${(e: Event) => saved.update({ addBaseUrl: valueOf(e) })}
                ></vscode-textfield>`
            : nothing
        }
        ${v.addKind === 'vscode-lm' ? nothing : this.keyField(v.addKind === 'local' ? 'API key (optional)' : 'API key')}
        <div class="actions">
          <vscode-button class="add-button" ?disabled=${this.busy} @click=${() => void this.add()}>Add</vscode-button>
          <span class="muted">Keys are encrypted by the extension and shown only as ••••1234.</span>
        </div>
      </form>`;
  }

  private async add(): Promise<void> {
    const v = saved.value;
    const needsUrl = v.addKind === 'azure' || v.addKind === 'local';
    const apiKey = this.takeKey();
    const next = await this.run('assistant/provider/add', {
      provider: v.addKind,
      model: v.addModel.trim(),
      ...(needsUrl ? { baseUrl: v.addBaseUrl.trim() || null } : {}),
      ...(apiKey ? { apiKey } : {}),
    });
    if (!next) return;
    saved.update({ addModel: '', addBaseUrl: '' });
    this.model = next;
  }

  private editForm(p: AssistantProviderView | undefined): TemplateResult {
    if (!p) return html`${nothing}`;
    const field = (id: string, label: string, value: string) =>
      html`<label for=${id}>${label}</label
        ><vscode-textfield id=${id} aria-label=${label} .value=${value}></vscode-textfield>`;
    return html`<h3>Edit ${p.provider}</h3>
      <form class="edit" @submit=${(e: Event) => e.preventDefault()}>
        ${field('edit-model', 'Model', p.model)}
        ${p.provider === 'azure' || p.provider === 'local' ? field('edit-url', 'Base URL', p.baseUrl ?? '') : nothing}
        ${field('edit-temperature', 'Temperature (0–2)', p.temperature)}
        ${field('edit-max', 'Max tokens', String(p.maxTokens))}
        ${field('edit-priority', 'Priority (lower first)', String(p.priority))}
        <span></span><vscode-checkbox id="edit-enabled" ?checked=${p.enabled}>Enabled</vscode-checkbox>
        ${p.provider === 'vscode-lm' ? nothing : this.keyField('New API key (empty keeps the current one)')}
        <div class="actions row">
          <vscode-button ?disabled=${this.busy} @click=${() => void this.save(p)}>Save</vscode-button>
          <vscode-button secondary @click=${() => (this.editing = undefined)}>Cancel</vscode-button>
        </div>
      </form>`;
  }

  private async save(p: AssistantProviderView): Promise<void> {
    const text = (id: string) => this.renderRoot.querySelector<HTMLInputElement>(`#${id}`)?.value.trim();
    const number = (id: string) => Number(text(id));
    const url = text('edit-url');
    const apiKey = this.takeKey();
    const next = await this.run('assistant/provider/update', {
      id: p.id,
      model: text('edit-model') ?? p.model,
      ...(url !== undefined ? { baseUrl: url || null } : {}),
      temperature: number('edit-temperature'),
      maxTokens: number('edit-max'),
      priority: number('edit-priority'),
      enabled: this.renderRoot.querySelector<HTMLInputElement>('#edit-enabled')?.checked ?? p.enabled,
      ...(apiKey ? { apiKey } : {}),
    });
    if (!next) return;
    this.editing = undefined;
    this.model = next;
  }
}

document.body.append(document.createElement('cockpit-assistant'));
