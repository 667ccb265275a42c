import type { ProviderSettings } from './providers.js';
import {
  NO_TOKENS,
  ProviderError,
  type ChatMessage,
  type ProviderClient,
  type ProviderResponse,
  type TokenCounts,
  type ToolCall,
  type WireRequest,
} from './types.js';

/**
 * The Anthropic Messages and OpenAI Chat Completions wire formats over plain `fetch` (Node's
 * undici): the official SDKs would add ~590 KB minified to a host bundle with a 2 MB budget, and
 * we use one endpoint of each.
 */

export const ANTHROPIC_VERSION = '2023-06-01';
export const AZURE_API_VERSION = '2024-10-21';
/** Error bodies are read up to this size and quoted up to 300 characters. */
const MAX_ERROR_BODY = 16_384;

type FetchLike = typeof fetch;

function scrub(text: string, secret: string | null): string {
  return secret ? text.split(secret).join('•••') : text;
}

/** `retry-after-ms` (OpenAI), then `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Reads at most `limit` bytes of a response body as UTF-8, then stops the download. */
export async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Turns a non-2xx response into a ProviderError; the provider's message is quoted, the key scrubbed. */
async function httpError(response: Response, apiKey: string | null): Promise<ProviderError> {
  const body = await readLimited(response, MAX_ERROR_BODY).catch(() => '');
  let detail = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
    if (typeof message === 'string') detail = message;
  } catch {
    // Not JSON: quote the text.
  }
  detail = scrub(detail.replace(/\s+/g, ' ').trim(), apiKey).slice(0, 300);
  const status = response.status;
  const message = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 429) return new ProviderError('rate-limited', message, status, parseRetryAfter(response.headers));
  if (status >= 500) return new ProviderError('server', message, status);
  if (status === 408) return new ProviderError('timeout', message, status);
  if (status === 401 || status === 403) return new ProviderError('auth', message, status);
  if (status === 404) return new ProviderError('not-found', message, status);
  return new ProviderError('request', message, status);
}

async function post(
  fetchImpl: FetchLike,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  request: WireRequest,
  apiKey: string | null,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: request.signal,
    });
  } catch (error) {
    throw transportError(error, request.signal);
  }
  if (!response.ok) throw await httpError(response, apiKey);
  return response;
}

function transportError(error: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return reason?.name === 'TimeoutError'
      ? new ProviderError('timeout', 'The provider did not answer in time.')
      : new ProviderError('network', 'The request was cancelled.');
  }
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return new ProviderError('network', `Network error${cause ? ` (${cause})` : ''}.`);
}

async function readJson(response: Response, signal: AbortSignal): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    if (signal.aborted) throw transportError(error, signal);
    throw new ProviderError('server', 'The provider sent a response that is not JSON.', response.status);
  }
}

/** Server-sent events: yields each `data:` payload. */
async function* serverSentEvents(response: Response, signal: AbortSignal): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw transportError(error, signal);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data) yield data;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parseEventJson(data: string): Record<string, unknown> {
  try {
    return JSON.parse(data) as Record<string, unknown>;
  } catch {
    throw new ProviderError('server', 'The provider sent a malformed stream event.');
  }
}

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    throw new ProviderError('server', 'The provider sent tool arguments that are not JSON.');
  }
}

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

// ---------------------------------------------------------------- Anthropic Messages

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

function anthropicUsage(usage: AnthropicUsage | undefined, base: TokenCounts = NO_TOKENS): TokenCounts {
  if (!usage) return base;
  return {
    inputTokens: usage.input_tokens === undefined ? base.inputTokens : count(usage.input_tokens),
    outputTokens: usage.output_tokens === undefined ? base.outputTokens : count(usage.output_tokens),
    cacheCreationInputTokens:
      usage.cache_creation_input_tokens === undefined
        ? base.cacheCreationInputTokens
        : count(usage.cache_creation_input_tokens),
    cacheReadInputTokens:
      usage.cache_read_input_tokens === undefined ? base.cacheReadInputTokens : count(usage.cache_read_input_tokens),
  };
}

export function anthropicBody(request: WireRequest, stream: boolean) {
  const system = request.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const messages = request.messages
    .filter((m) => m.role !== 'system')
    .map((m) => {
      if (m.role === 'tool') {
        return { role: 'user', content: [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }] };
      }
      if (m.role === 'assistant' && m.toolCalls?.length) {
        return {
          role: 'assistant',
          content: [
            ...(m.content ? [{ type: 'text', text: m.content }] : []),
            ...m.toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments })),
          ],
        };
      }
      return { role: m.role, content: m.content };
    });
  return {
    model: request.model,
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    ...(system ? { system } : {}),
    messages,
    ...(request.tools.length
      ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }
      : {}),
    ...(stream ? { stream: true } : {}),
  };
}

export function anthropicClient(fetchImpl: FetchLike = fetch): ProviderClient {
  return {
    async complete(settings: ProviderSettings, request: WireRequest): Promise<ProviderResponse> {
      const url = `${settings.baseUrl ?? 'https://api.anthropic.com'}/v1/messages`;
      const headers = { 'x-api-key': settings.apiKey ?? '', 'anthropic-version': ANTHROPIC_VERSION };
      const stream = request.onText !== undefined;
      const response = await post(fetchImpl, url, headers, anthropicBody(request, stream), request, settings.apiKey);
      if (!stream) {
        const body = (await readJson(response, request.signal)) as {
          model?: string;
          content?: Array<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>;
          usage?: AnthropicUsage;
          stop_reason?: string | null;
        };
        if (!Array.isArray(body.content)) throw new ProviderError('server', 'The provider sent no content.');
        return {
          text: body.content
            .filter((b) => b.type === 'text')
            .map((b) => b.text ?? '')
            .join(''),
          toolCalls: body.content
            .filter((b) => b.type === 'tool_use')
            .map((b) => ({
              id: String(b.id),
              name: String(b.name),
              arguments: (b.input ?? {}) as Record<string, unknown>,
            })),
          model: body.model ?? request.model,
          usage: anthropicUsage(body.usage),
          usageReported: body.usage !== undefined,
          stopReason: body.stop_reason ?? null,
        };
      }
      let usage = NO_TOKENS;
      let usageReported = false;
      let model = request.model;
      let text = '';
      let stopReason: string | null = null;
      const blocks = new Map<number, { id: string; name: string; json: string }>();
      for await (const data of serverSentEvents(response, request.signal)) {
        const event = parseEventJson(data);
        switch (event.type) {
          case 'message_start': {
            const message = event.message as { model?: string; usage?: AnthropicUsage };
            model = message.model ?? model;
            usage = anthropicUsage(message.usage, usage);
            usageReported = message.usage !== undefined;
            break;
          }
          case 'content_block_start': {
            const block = event.content_block as { type: string; id?: string; name?: string };
            if (block.type === 'tool_use')
              blocks.set(event.index as number, { id: String(block.id), name: String(block.name), json: '' });
            break;
          }
          case 'content_block_delta': {
            const delta = event.delta as { type: string; text?: string; partial_json?: string };
            if (delta.type === 'text_delta' && delta.text) {
              text += delta.text;
              request.onText!(delta.text);
            } else if (delta.type === 'input_json_delta') {
              const block = blocks.get(event.index as number);
              if (block) block.json += delta.partial_json ?? '';
            }
            break;
          }
          case 'message_delta':
            stopReason = (event.delta as { stop_reason?: string }).stop_reason ?? stopReason;
            usage = anthropicUsage(event.usage as AnthropicUsage | undefined, usage);
            break;
          case 'error': {
            const error = event.error as { type?: string; message?: string } | undefined;
            const overloaded = error?.type === 'overloaded_error' || error?.type === 'api_error';
            throw new ProviderError(
              overloaded ? 'server' : 'request',
              `Stream error: ${scrub(String(error?.message ?? error?.type ?? 'unknown'), settings.apiKey).slice(0, 300)}`,
            );
          }
        }
      }
      const toolCalls: ToolCall[] = [...blocks.values()].map((b) => ({
        id: b.id,
        name: b.name,
        arguments: parseArguments(b.json),
      }));
      return { text, toolCalls, model, usage, usageReported, stopReason };
    },
  };
}

// ---------------------------------------------------------------- OpenAI Chat Completions

interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

function openAiUsage(usage: OpenAiUsage | undefined | null): TokenCounts {
  if (!usage) return NO_TOKENS;
  const cached = count(usage.prompt_tokens_details?.cached_tokens);
  return {
    inputTokens: Math.max(0, count(usage.prompt_tokens) - cached),
    outputTokens: count(usage.completion_tokens),
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: cached,
  };
}

function openAiMessages(messages: ChatMessage[]) {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    if (m.role === 'assistant' && m.toolCalls?.length) {
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      };
    }
    return { role: m.role, content: m.content };
  });
}

export function openAiBody(request: WireRequest, stream: boolean, includeModel: boolean) {
  return {
    ...(includeModel ? { model: request.model } : {}),
    messages: openAiMessages(request.messages),
    temperature: request.temperature,
    max_tokens: request.maxTokens,
    ...(request.tools.length
      ? {
          tools: request.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/** OpenAI, Azure OpenAI (deployment URL + `api-key`) and any OpenAI-compatible local server. */
export function openAiClient(flavour: 'openai' | 'azure' | 'local', fetchImpl: FetchLike = fetch): ProviderClient {
  return {
    async complete(settings: ProviderSettings, request: WireRequest): Promise<ProviderResponse> {
      let url: string;
      const headers: Record<string, string> = {};
      if (flavour === 'azure') {
        url = `${settings.baseUrl}/openai/deployments/${encodeURIComponent(request.model)}/chat/completions?api-version=${AZURE_API_VERSION}`;
        headers['api-key'] = settings.apiKey ?? '';
      } else {
        url = `${settings.baseUrl ?? 'https://api.openai.com/v1'}/chat/completions`;
        if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
      }
      const stream = request.onText !== undefined;
      const body = openAiBody(request, stream, flavour !== 'azure');
      const response = await post(fetchImpl, url, headers, body, request, settings.apiKey);
      if (!stream) {
        const parsed = (await readJson(response, request.signal)) as {
          model?: string;
          choices?: Array<{
            message?: {
              content?: string | null;
              tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
            };
            finish_reason?: string | null;
          }>;
          usage?: OpenAiUsage;
        };
        const choice = parsed.choices?.[0];
        if (!choice?.message) throw new ProviderError('server', 'The provider sent no choices.');
        return {
          text: choice.message.content ?? '',
          toolCalls: (choice.message.tool_calls ?? []).map((c) => ({
            id: c.id,
            name: c.function.name,
            arguments: parseArguments(c.function.arguments),
          })),
          model: parsed.model ?? request.model,
          usage: openAiUsage(parsed.usage),
          usageReported: parsed.usage !== undefined,
          stopReason: choice.finish_reason ?? null,
        };
      }
      let text = '';
      let model = request.model;
      let usage = NO_TOKENS;
      let usageReported = false;
      let stopReason: string | null = null;
      const calls = new Map<number, { id: string; name: string; json: string }>();
      for await (const data of serverSentEvents(response, request.signal)) {
        if (data.trim() === '[DONE]') break;
        const chunk = parseEventJson(data) as {
          model?: string;
          choices?: Array<{
            delta?: {
              content?: string | null;
              tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
            };
            finish_reason?: string | null;
          }>;
          usage?: OpenAiUsage | null;
          error?: { message?: string };
        };
        if (chunk.error) {
          throw new ProviderError(
            'server',
            `Stream error: ${scrub(String(chunk.error.message), settings.apiKey).slice(0, 300)}`,
          );
        }
        model = chunk.model ?? model;
        if (chunk.usage) {
          usage = openAiUsage(chunk.usage);
          usageReported = true;
        }
        for (const choice of chunk.choices ?? []) {
          const delta = choice.delta;
          if (delta?.content) {
            text += delta.content;
            request.onText!(delta.content);
          }
          for (const call of delta?.tool_calls ?? []) {
            const entry = calls.get(call.index) ?? { id: '', name: '', json: '' };
            entry.id = call.id ?? entry.id;
            entry.name = call.function?.name ?? entry.name;
            entry.json += call.function?.arguments ?? '';
            calls.set(call.index, entry);
          }
          stopReason = choice.finish_reason ?? stopReason;
        }
      }
      const toolCalls = [...calls.values()].map((c) => ({ id: c.id, name: c.name, arguments: parseArguments(c.json) }));
      return { text, toolCalls, model, usage, usageReported, stopReason };
    },
  };
}
