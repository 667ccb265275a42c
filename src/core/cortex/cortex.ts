import type { Db } from '../../db/connection.js';
import { writeAudit } from '../audit.js';
import { CockpitError, invalid } from '../errors.js';
import { findCached, promptHash, recordHit, storeCached, type CachedResponse } from './cache.js';
import type { SecretBox } from './crypto.js';
import { loadProviderSettings, type ProviderKind, type ProviderSettings } from './providers.js';
import {
  NO_TOKENS,
  ProviderError,
  type ChatMessage,
  type OperationType,
  type ProviderClient,
  type ProviderErrorKind,
  type ProviderResponse,
  type TokenCounts,
  type ToolCall,
  type ToolDefinition,
  type UsageRecorder,
} from './types.js';
import { anthropicClient, openAiClient } from './wire.js';

export interface CortexOptions {
  db: Db;
  box: SecretBox;
  /** Who acts (audit rows). */
  actor: string;
  usage: UsageRecorder;
  /** Extra or replacement clients: the VS Code layer adds `vscode-lm`. */
  clients?: Partial<Record<ProviderKind, ProviderClient>>;
  fetch?: typeof fetch;
  /** Per attempt. Default 60 s. */
  timeoutMs?: number;
  /** A 429 whose retry-after is at most this long is retried once on the same provider. Default 10 s. */
  maxRetryAfterMs?: number;
  /** Prompt cache lifetime; 0 turns the cache off. Default 7 days. */
  cacheTtlSeconds?: number;
}

/** `auto`: cache deterministic requests (temperature 0) only; `always`: the user opted in; `off`. */
export type CacheMode = 'auto' | 'always' | 'off';

export interface CompletionRequest {
  projectId: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  operationType: OperationType;
  dashboardContext?: string | null;
  /** Override the configuration's temperature / max_tokens. */
  temperature?: number;
  maxTokens?: number;
  cache?: CacheMode;
  /** Streaming: text deltas as they arrive; `reset` when a failed attempt's partial text must be discarded. */
  stream?: { text(delta: string): void; reset?(): void };
  signal?: AbortSignal;
  /** Only this configuration, enabled or not (Test Connection). Skips the cache. */
  providerId?: string;
}

export interface Attempt {
  providerId: string;
  provider: ProviderKind;
  model: string;
  status: 'success' | 'failure';
  errorKind?: ProviderErrorKind | 'no-client';
  httpStatus?: number;
  /** Why it failed, as the provider said it (key scrubbed). */
  message?: string;
  durationMs: number;
  usage: TokenCounts;
  cost: string | null;
}

export interface CompletionResult {
  text: string;
  toolCalls: ToolCall[];
  providerId: string;
  provider: ProviderKind;
  model: string;
  usage: TokenCounts;
  /** What this call cost (null when unpriced or served from the cache). */
  cost: string | null;
  cached: boolean;
  /** On a cache hit: what the original call cost. */
  savedCost: string | null;
  stopReason: string | null;
  attempts: Attempt[];
}

const MAX_MESSAGES = 2000;
const FALLS_BACK: ReadonlySet<ProviderErrorKind> = new Set([
  'rate-limited',
  'server',
  'timeout',
  'network',
  'auth',
  'not-found',
]);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The AI Cortex: one `complete()` over a project's providers, trying enabled ones by priority and
 * falling back on 429, 5xx, timeouts, network, auth and unknown-model errors — never on a request
 * the provider refused as malformed (400, 413, 422). Every attempt is audited and recorded.
 */
export class Cortex {
  private readonly clients: Partial<Record<ProviderKind, ProviderClient>>;
  readonly cacheTtlSeconds: number;

  constructor(private readonly options: CortexOptions) {
    const fetchImpl = options.fetch ?? fetch;
    this.clients = {
      anthropic: anthropicClient(fetchImpl),
      openai: openAiClient('openai', fetchImpl),
      azure: openAiClient('azure', fetchImpl),
      local: openAiClient('local', fetchImpl),
      ...options.clients,
    };
    this.cacheTtlSeconds = options.cacheTtlSeconds ?? 7 * 24 * 3600;
  }

  get db(): Db {
    return this.options.db;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const { db, box } = this.options;
    if (request.messages.length === 0 || request.messages.every((m) => m.role === 'system')) {
      throw invalid('A completion needs at least one user message.', 'messages');
    }
    if (request.messages.length > MAX_MESSAGES) throw invalid(`At most ${MAX_MESSAGES} messages.`, 'messages');
    if (request.temperature !== undefined && !(request.temperature >= 0 && request.temperature <= 2)) {
      throw invalid('Invalid temperature: from 0 to 2.', 'temperature');
    }
    const providers = await loadProviderSettings(db, box, request.projectId, {
      id: request.providerId,
      includeDisabled: request.providerId !== undefined,
    });
    if (providers.length === 0) {
      throw invalid(
        request.providerId
          ? `AI provider configuration ${request.providerId} does not exist in project ${request.projectId}.`
          : `Project ${request.projectId} has no enabled AI provider; add one first.`,
        'provider',
      );
    }
    const tools = request.tools ?? [];
    const plans = providers.map((settings) => {
      const temperature = request.temperature ?? Number(settings.temperature);
      const maxTokens = request.maxTokens ?? settings.maxTokens;
      const mode = request.providerId ? 'off' : (request.cache ?? 'auto');
      const cacheable = this.cacheTtlSeconds > 0 && (mode === 'always' || (mode === 'auto' && temperature === 0));
      const hash = cacheable
        ? promptHash({
            provider: settings.provider,
            model: settings.model,
            messages: request.messages,
            parameters: { temperature, maxTokens },
            tools,
          })
        : null;
      return { settings, temperature, maxTokens, hash };
    });

    const hashes = plans.flatMap((p) => (p.hash ? [p.hash] : []));
    if (hashes.length > 0) {
      const hits = await findCached(db, hashes, this.cacheTtlSeconds);
      const plan = plans.find((p) => p.hash && hits.has(p.hash));
      if (plan) {
        const hit = hits.get(plan.hash!)!;
        await recordHit(db, hit.id);
        await this.audit(request, plan.settings, 'success', { cached: true, savedCost: hit.cost, attempt: 0 });
        request.stream?.text(hit.text);
        return {
          text: hit.text,
          toolCalls: hit.toolCalls,
          providerId: plan.settings.id,
          provider: plan.settings.provider,
          model: hit.model,
          usage: hit.usage,
          cost: null,
          cached: true,
          savedCost: hit.cost,
          stopReason: null,
          attempts: [],
        };
      }
    }

    const attempts: Attempt[] = [];
    for (const plan of plans) {
      const { settings } = plan;
      const client = this.clients[settings.provider];
      if (!client) {
        attempts.push(failedAttempt(settings, 'no-client', `${settings.provider} is not available here.`, 0));
        await this.audit(request, settings, 'failure', { errorKind: 'no-client', attempt: attempts.length });
        continue;
      }
      for (let retried = false; ; retried = true) {
        const outcome = await this.attempt(request, plan, client, attempts.length + 1);
        attempts.push(outcome.attempt);
        if (outcome.response) {
          const response = outcome.response;
          if (plan.hash) {
            const cached: CachedResponse = {
              text: response.text,
              toolCalls: response.toolCalls,
              model: response.model,
              usage: response.usage,
              cost: outcome.attempt.cost,
            };
            await storeCached(db, {
              promptHash: plan.hash,
              provider: settings.provider,
              messages: request.messages,
              response: cached,
            });
          }
          return {
            text: response.text,
            toolCalls: response.toolCalls,
            providerId: settings.id,
            provider: settings.provider,
            model: response.model,
            usage: response.usage,
            cost: outcome.attempt.cost,
            cached: false,
            savedCost: null,
            stopReason: response.stopReason,
            attempts,
          };
        }
        const error = outcome.error!;
        if (request.signal?.aborted) throw new CockpitError('unavailable', 'The AI request was cancelled.');
        if (error.kind === 'request') {
          throw invalid(`The ${settings.provider} provider refused the request: ${error.message}`, 'messages');
        }
        const wait = error.retryAfterMs;
        if (
          error.kind === 'rate-limited' &&
          !retried &&
          wait !== undefined &&
          wait <= (this.options.maxRetryAfterMs ?? 10_000)
        ) {
          await sleep(wait, request.signal);
          continue;
        }
        break;
      }
    }
    const summary = attempts
      .map((a) => `${a.provider} (${a.model}): ${a.errorKind === 'no-client' ? a.message : (a.message ?? a.errorKind)}`)
      .join('; ');
    throw new CockpitError('unavailable', `No AI provider answered. ${summary}`);
  }

  /** Sends a tiny request through one configuration, enabled or not: "Test Connection". */
  async testProvider(projectId: string, providerId: string): Promise<CompletionResult> {
    return this.complete({
      projectId,
      providerId,
      operationType: 'chat',
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      maxTokens: 16,
    });
  }

  private async attempt(
    request: CompletionRequest,
    plan: { settings: ProviderSettings; temperature: number; maxTokens: number },
    client: ProviderClient,
    number: number,
  ): Promise<{ attempt: Attempt; response?: ProviderResponse; error?: ProviderError }> {
    const { settings } = plan;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let streamed = false;
    const started = performance.now();
    let response: ProviderResponse | undefined;
    let error: ProviderError | undefined;
    try {
      response = await client.complete(settings, {
        model: settings.model,
        messages: request.messages,
        tools: request.tools ?? [],
        temperature: plan.temperature,
        maxTokens: plan.maxTokens,
        signal,
        onText: request.stream
          ? (delta) => {
              streamed = true;
              request.stream!.text(delta);
            }
          : undefined,
      });
    } catch (caught) {
      error =
        caught instanceof ProviderError
          ? caught
          : new ProviderError('server', scrub(caught instanceof Error ? caught.message : String(caught), settings));
    }
    const durationMs = Math.round(performance.now() - started);
    if (error && streamed) request.stream?.reset?.();
    const usage = response?.usage ?? NO_TOKENS;
    const status = response ? 'success' : 'failure';
    let cost: string | null = null;
    try {
      const receipt = await this.options.usage.record({
        projectId: request.projectId,
        provider: settings.provider,
        model: response?.model ?? settings.model,
        operationType: request.operationType,
        dashboardContext: request.dashboardContext ?? null,
        usage,
        usageReported: response?.usageReported ?? true,
        status,
      });
      cost = receipt?.totalCost ?? null;
    } catch (recordError) {
      // The answer is already paid for: keep it, and leave a trace of the lost record.
      await this.audit(request, settings, 'failure', {
        attempt: number,
        recordUsage: 'failed',
        error: scrub(recordError instanceof Error ? recordError.message : String(recordError), settings),
      });
    }
    await this.audit(request, settings, status, {
      attempt: number,
      durationMs,
      model: response?.model ?? settings.model,
      ...(error ? { errorKind: error.kind, httpStatus: error.httpStatus, error: error.message } : {}),
      ...usage,
      usageReported: response?.usageReported ?? true,
      cost,
    });
    const attempt: Attempt = {
      providerId: settings.id,
      provider: settings.provider,
      model: response?.model ?? settings.model,
      status,
      durationMs,
      usage,
      cost,
      ...(error ? { errorKind: error.kind, httpStatus: error.httpStatus, message: error.message } : {}),
    };
    return { attempt, response, error };
  }

  private async audit(
    request: CompletionRequest,
    settings: ProviderSettings,
    status: 'success' | 'failure',
    details: Record<string, unknown>,
  ): Promise<void> {
    await writeAudit(this.options.db, {
      userId: this.options.actor,
      action: 'ai.complete',
      resourceType: 'api_configuration',
      resourceId: settings.id,
      status,
      metadata: {
        projectId: request.projectId,
        provider: settings.provider,
        model: settings.model,
        operationType: request.operationType,
        ...details,
      },
    });
  }
}

function failedAttempt(
  settings: ProviderSettings,
  errorKind: Attempt['errorKind'],
  message: string,
  durationMs: number,
): Attempt {
  return {
    providerId: settings.id,
    provider: settings.provider,
    model: settings.model,
    status: 'failure',
    errorKind,
    message,
    durationMs,
    usage: NO_TOKENS,
    cost: null,
  };
}

function scrub(text: string, settings: ProviderSettings): string {
  return (settings.apiKey ? text.split(settings.apiKey).join('•••') : text).slice(0, 300);
}
