import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { resolveActor } from '../core/actor.js';
import { Cortex } from '../core/cortex/cortex.js';
import { formatKeyRing, generateMasterKey, parseKeyRing, SecretBox, type MasterKey } from '../core/cortex/crypto.js';
import { defaultKeyFilePath, writeKeyFile } from '../core/cortex/key-file.js';
import { listProjectChoices } from '../core/cortex/projects.js';
import {
  addProvider,
  deleteProvider,
  listProviders,
  PROVIDER_KINDS,
  updateProvider,
  type ProviderKind,
  type ProviderSettings,
  type ProviderView,
  type UpdateProviderInput,
} from '../core/cortex/providers.js';
import { rotateMasterKey } from '../core/cortex/rotation.js';
import { ProviderError, type ProviderClient, type ProviderResponse, type WireRequest } from '../core/cortex/types.js';
import { tokenUsageRecorder } from '../core/cortex/usage.js';
import { parsePricingOverrides, Pricing, PRICING_OVERRIDES_SETTING } from '../core/tokens/pricing.js';
import type { SessionTokenProvider } from '../core/cortex/tools.js';
import { registerCommand, type Cockpit } from './context.js';

/** SecretStorage entry of the master key ring (`v<N>:<base64>` per line, the first one encrypts). */
const MASTER_KEY_SECRET = 'cockpit.cortex.masterKeyRing';

/**
 * The master key lives in SecretStorage. On first use an existing CLI key file is adopted (so the
 * CLI and VS Code read the same secrets); otherwise a fresh key is made.
 */
export class CortexKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async ring(): Promise<MasterKey[]> {
    const stored = await this.secrets.get(MASTER_KEY_SECRET);
    if (stored) return parseKeyRing(stored, 'The master key in SecretStorage');
    const file = defaultKeyFilePath();
    const keys = existsSync(file) ? parseKeyRing(readFileSync(file, 'utf8'), file) : [generateMasterKey(1)];
    await this.secrets.store(MASTER_KEY_SECRET, formatKeyRing(keys));
    return keys;
  }

  async box(): Promise<SecretBox> {
    return new SecretBox(await this.ring());
  }

  async store(keys: MasterKey[]): Promise<void> {
    await this.secrets.store(MASTER_KEY_SECRET, formatKeyRing(keys));
  }
}

/** VS Code's Language Model API behind the Cortex's provider interface. Token counts are the model's own estimate. */
export function vscodeLanguageModelClient(): ProviderClient {
  return {
    async complete(settings: ProviderSettings, request: WireRequest): Promise<ProviderResponse> {
      const models = await vscode.lm.selectChatModels({ id: settings.model });
      const model = models[0] ?? (await vscode.lm.selectChatModels({ family: settings.model }))[0];
      if (!model) throw new ProviderError('not-found', `No VS Code language model "${settings.model}" is available.`);
      // The API has no system role: the system prompt leads the first user message.
      const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
      const messages = request.messages
        .filter((m) => m.role !== 'system')
        .map((m, index) => {
          const content = index === 0 && system.length ? `${system.join('\n\n')}\n\n${m.content}` : m.content;
          return m.role === 'assistant'
            ? vscode.LanguageModelChatMessage.Assistant(content)
            : vscode.LanguageModelChatMessage.User(content);
        });
      const cancellation = new vscode.CancellationTokenSource();
      request.signal.addEventListener('abort', () => cancellation.cancel(), { once: true });
      try {
        const response = await model.sendRequest(
          messages,
          { justification: 'DevGuide Cockpit answers questions about your project.' },
          cancellation.token,
        );
        let text = '';
        for await (const delta of response.text) {
          text += delta;
          request.onText?.(delta);
        }
        let input = 0;
        for (const message of messages) input += await model.countTokens(message);
        return {
          text,
          toolCalls: [],
          model: model.id,
          usage: {
            inputTokens: input,
            outputTokens: await model.countTokens(text),
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
          },
          usageReported: false,
          stopReason: null,
        };
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        if (request.signal.aborted) throw new ProviderError('timeout', 'The language model did not answer in time.');
        const code = error instanceof vscode.LanguageModelError ? error.code : 'Unknown';
        const kind =
          code === 'NoPermissions'
            ? 'auth'
            : code === 'NotFound'
              ? 'not-found'
              : code === 'Blocked'
                ? 'rate-limited'
                : 'server';
        throw new ProviderError(kind, `VS Code language model: ${code}.`);
      } finally {
        cancellation.dispose();
      }
    },
  };
}

/** GitHub (and other) sign-ins for API tools with `auth: "session:github"`. */
export const vscodeSessionTokens: SessionTokenProvider = async (provider, scopes) =>
  (await vscode.authentication.getSession(provider, scopes, { createIfNone: true }))?.accessToken;

/** The catalog with the user's price overrides; a broken override setting falls back to the catalog. */
export function pricingFromSettings(): Pricing {
  try {
    return new Pricing(
      undefined,
      parsePricingOverrides(vscode.workspace.getConfiguration().get(PRICING_OVERRIDES_SETTING)),
    );
  } catch {
    return new Pricing();
  }
}

/** The Cortex of this window, built on demand with the settings of `cockpit.ai.*`. */
export async function createCortex(
  cockpit: Cockpit,
  keys = new CortexKeys(cockpit.extension.secrets),
): Promise<Cortex> {
  const database = await cockpit.database.get();
  const settings = vscode.workspace.getConfiguration('cockpit.ai');
  return new Cortex({
    db: database.db,
    box: await keys.box(),
    actor: await resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath),
    usage: tokenUsageRecorder(database.db, pricingFromSettings()),
    clients: { 'vscode-lm': vscodeLanguageModelClient() },
    timeoutMs: settings.get<number>('requestTimeoutSeconds', 60) * 1000,
    cacheTtlSeconds: settings.get<number>('cacheTtlDays', 7) * 86_400,
  });
}

async function pickProject(cockpit: Cockpit): Promise<string | undefined> {
  const database = await cockpit.database.get();
  const projects = await listProjectChoices(database.db);
  if (projects.length === 0) throw new Error('There is no project yet: create one first.');
  if (projects.length === 1) return projects[0]!.id;
  const picked = await vscode.window.showQuickPick(
    projects.map((p) => ({ label: p.name, description: p.id, id: p.id })),
    { title: 'Cockpit: choose the project', ignoreFocusOut: true },
  );
  return picked?.id;
}

async function pickProvider(cockpit: Cockpit, keys: CortexKeys, title: string): Promise<ProviderView | undefined> {
  const projectId = await pickProject(cockpit);
  if (!projectId) return undefined;
  const database = await cockpit.database.get();
  const providers = await listProviders(database.db, await keys.box(), projectId);
  if (providers.length === 0) throw new Error('This project has no AI provider: add one first.');
  const picked = await vscode.window.showQuickPick(
    providers.map((p) => ({
      label: `${p.provider} · ${p.model}`,
      description: `priority ${p.priority}${p.enabled ? '' : ' · disabled'}`,
      detail: p.keyHint ? `key ${p.keyHint}` : (p.baseUrl ?? undefined),
      provider: p,
    })),
    { title, ignoreFocusOut: true },
  );
  return picked?.provider;
}

const numberIn = (min: number, max: number, integer: boolean) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    return `${integer ? 'A whole number' : 'A number'} from ${min} to ${max}.`;
  }
  return undefined;
};

async function askKey(provider: ProviderKind, optional: boolean): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Cockpit: ${provider} API key`,
    prompt: optional
      ? 'API key (leave empty for none). Stored encrypted; shown only as ••••1234.'
      : 'API key. Stored encrypted; shown only as ••••1234.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) =>
      !optional && v.trim() === '' ? 'The key is required.' : /\s/.test(v.trim()) ? 'The key has spaces.' : undefined,
  });
}

async function addProviderCommand(cockpit: Cockpit, keys: CortexKeys): Promise<void> {
  const projectId = await pickProject(cockpit);
  if (!projectId) return;
  const kind = await vscode.window.showQuickPick(
    PROVIDER_KINDS.map((k) => ({
      label: k,
      description: {
        anthropic: 'Anthropic Messages API',
        openai: 'OpenAI Chat Completions',
        azure: 'Azure OpenAI (endpoint + deployment)',
        local: 'OpenAI-compatible server (Ollama, LM Studio)',
        'vscode-lm': "VS Code's language models (no key)",
      }[k],
    })),
    { title: 'Cockpit: Add AI Provider (1/4)', ignoreFocusOut: true },
  );
  if (!kind) return;
  const provider = kind.label as ProviderKind;
  let baseUrl: string | undefined;
  if (provider === 'local' || provider === 'azure') {
    baseUrl = await vscode.window.showInputBox({
      title: 'Cockpit: Add AI Provider (2/4)',
      prompt:
        provider === 'azure'
          ? 'Endpoint, e.g. https://<resource>.openai.azure.com'
          : 'Base URL, e.g. http://127.0.0.1:11434/v1',
      value: provider === 'local' ? 'http://127.0.0.1:11434/v1' : '',
      ignoreFocusOut: true,
      validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'An http(s) URL.'),
    });
    if (baseUrl === undefined) return;
  }
  const model = await vscode.window.showInputBox({
    title: 'Cockpit: Add AI Provider (3/4)',
    prompt: provider === 'azure' ? 'Deployment name' : 'Model, e.g. claude-sonnet-4-5, gpt-4o, llama3.2',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s]{1,100}$/.test(v.trim()) ? undefined : 'Up to 100 characters, no spaces.'),
  });
  if (!model) return;
  let apiKey: string | undefined;
  if (provider !== 'vscode-lm') {
    apiKey = await askKey(provider, provider === 'local');
    if (apiKey === undefined) return;
  }
  const database = await cockpit.database.get();
  const actor = await resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const existing = await listProviders(database.db, undefined, projectId);
  const view = await addProvider(database.db, await keys.box(), actor, {
    projectId,
    provider,
    model: model.trim(),
    baseUrl: baseUrl?.trim() || undefined,
    apiKey: apiKey?.trim() || undefined,
    priority: existing.length === 0 ? 0 : Math.max(...existing.map((p) => p.priority)) + 1,
  });
  cockpit.log.info(`AI provider ${view.provider} (${view.model}) added to project ${projectId}.`);
  const test = await vscode.window.showInformationMessage(
    `Cockpit: ${view.provider} (${view.model}) added with priority ${view.priority}.`,
    'Test Connection',
  );
  if (test) await testProviderCommand(cockpit, keys, view);
}

async function editProviderCommand(cockpit: Cockpit, keys: CortexKeys): Promise<void> {
  const view = await pickProvider(cockpit, keys, 'Cockpit: Edit AI Provider');
  if (!view) return;
  const field = await vscode.window.showQuickPick(
    [
      { label: 'Model', value: 'model', description: view.model },
      { label: 'Temperature', value: 'temperature', description: view.temperature },
      { label: 'Max tokens', value: 'maxTokens', description: String(view.maxTokens) },
      { label: 'Priority', value: 'priority', description: `${view.priority} (lower is tried first)` },
      ...(view.provider === 'local' || view.provider === 'azure'
        ? [{ label: 'Base URL', value: 'baseUrl', description: view.baseUrl ?? '' }]
        : []),
      ...(view.provider === 'vscode-lm'
        ? []
        : [{ label: 'API key', value: 'apiKey', description: view.keyHint ?? 'none' }]),
      { label: view.enabled ? 'Disable' : 'Enable', value: 'enabled', description: '' },
    ],
    { title: `Cockpit: Edit ${view.provider} (${view.model})`, ignoreFocusOut: true },
  );
  if (!field) return;
  let patch: UpdateProviderInput;
  const input = (prompt: string, value: string, validateInput: (v: string) => string | undefined) =>
    vscode.window.showInputBox({
      title: `Cockpit: ${field.label}`,
      prompt,
      value,
      ignoreFocusOut: true,
      validateInput,
    });
  switch (field.value) {
    case 'enabled':
      patch = { enabled: !view.enabled };
      break;
    case 'apiKey': {
      const key = await askKey(view.provider, view.provider === 'local');
      if (key === undefined) return;
      patch = { apiKey: key.trim() || null };
      break;
    }
    case 'temperature': {
      const value = await input('0 (deterministic, cacheable) to 2', view.temperature, numberIn(0, 2, false));
      if (value === undefined) return;
      patch = { temperature: Number(value) };
      break;
    }
    case 'maxTokens':
    case 'priority': {
      const [min, max] = field.value === 'maxTokens' ? [1, 1_000_000] : [-1000, 1000];
      const value = await input(field.label, String(view[field.value]), numberIn(min, max, true));
      if (value === undefined) return;
      patch = { [field.value]: Number(value) };
      break;
    }
    default: {
      const key = field.value as 'model' | 'baseUrl';
      const value = await input(field.label, view[key] ?? '', (v) => (v.trim() ? undefined : 'Required.'));
      if (value === undefined) return;
      patch = { [key]: value.trim() };
    }
  }
  const database = await cockpit.database.get();
  const actor = await resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const updated = await updateProvider(database.db, await keys.box(), actor, view.id, patch);
  void vscode.window.showInformationMessage(`Cockpit: ${updated.provider} (${updated.model}) updated.`);
}

async function testProviderCommand(cockpit: Cockpit, keys: CortexKeys, given?: ProviderView): Promise<void> {
  const view = given ?? (await pickProvider(cockpit, keys, 'Cockpit: Test AI Provider'));
  if (!view) return;
  const cortex = await createCortex(cockpit, keys);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Cockpit: testing ${view.provider} (${view.model})…` },
    () => cortex.testProvider(view.projectId, view.id),
  );
  const attempt = result.attempts.at(-1);
  void vscode.window.showInformationMessage(
    `Cockpit: ${view.provider} answered in ${attempt?.durationMs ?? 0} ms (${result.model}): "${result.text.trim().slice(0, 80)}".`,
  );
}

async function deleteProviderCommand(cockpit: Cockpit, keys: CortexKeys): Promise<void> {
  const view = await pickProvider(cockpit, keys, 'Cockpit: Delete AI Provider');
  if (!view) return;
  const confirm = await vscode.window.showWarningMessage(
    `Delete the ${view.provider} (${view.model}) provider and its encrypted key?`,
    { modal: true },
    'Delete',
  );
  if (confirm !== 'Delete') return;
  const database = await cockpit.database.get();
  await deleteProvider(database.db, await resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath), view.id);
  void vscode.window.showInformationMessage(`Cockpit: ${view.provider} provider deleted.`);
}

async function rotateKeyCommand(cockpit: Cockpit, keys: CortexKeys): Promise<void> {
  const confirm = await vscode.window.showWarningMessage(
    'Re-encrypt every AI key and OAuth secret under a new master key? The CLI key file is updated too when it holds the current key.',
    { modal: true },
    'Rotate',
  );
  if (confirm !== 'Rotate') return;
  const ring = await keys.ring();
  const current = new SecretBox(ring);
  const next = generateMasterKey(current.primary.version + 1);
  const file = defaultKeyFilePath();
  const fileShared =
    existsSync(file) && readFileSync(file, 'utf8').split('\n')[0] === formatKeyRing([current.primary]).trim();
  // Both keys are stored before the data changes, so a crash after the commit never loses the new key.
  await keys.store([next, ...ring]);
  if (fileShared) writeKeyFile(file, [next, ...ring]);
  const database = await cockpit.database.get();
  const actor = await resolveActor(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Cockpit: rotating the encryption key…' },
    () => rotateMasterKey(database.db, current, next, actor),
  );
  await keys.store([next]);
  if (fileShared) writeKeyFile(file, [next]);
  cockpit.log.info(
    `Master key rotated to v${report.version} #${report.keyId}: ${report.apiKeys} API key(s), ${report.oauthSecrets} OAuth secret(s).`,
  );
  void vscode.window.showInformationMessage(
    `Cockpit: re-encrypted ${report.apiKeys} API key(s) and ${report.oauthSecrets} OAuth secret(s) under key v${report.version}.`,
  );
}

/** AI Cortex commands. Nothing touches the database or SecretStorage until a command runs. */
export function registerCortex(cockpit: Cockpit): void {
  const keys = new CortexKeys(cockpit.extension.secrets);
  registerCommand(cockpit, 'cockpit.ai.addProvider', () => addProviderCommand(cockpit, keys));
  registerCommand(cockpit, 'cockpit.ai.editProvider', () => editProviderCommand(cockpit, keys));
  registerCommand(cockpit, 'cockpit.ai.testProvider', () => testProviderCommand(cockpit, keys));
  registerCommand(cockpit, 'cockpit.ai.deleteProvider', () => deleteProviderCommand(cockpit, keys));
  registerCommand(cockpit, 'cockpit.ai.rotateEncryptionKey', () => rotateKeyCommand(cockpit, keys));
}
