import type { ProviderKind, ProviderSettings } from './providers.js';

/** Why tokens were spent: the `token_usage.operation_type` values. */
export type OperationType = 'chat' | 'estimation' | 'tool_call';

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Assistant messages that asked for tools. */
  toolCalls?: ToolCall[];
  /** Tool results: the call they answer. */
  toolCallId?: string;
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/**
 * Tokens as the provider reported them. `inputTokens` excludes cached prompt tokens (Anthropic's
 * convention; OpenAI's `prompt_tokens` minus `cached_tokens`), so the four add up to the prompt + output.
 */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export const NO_TOKENS: TokenCounts = {
  inputTokens: 0,
  outputTokens: 0,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
};

export const promptTokens = (usage: TokenCounts) =>
  usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;

/** One call as a provider client sees it: the configuration's values already applied. */
export interface WireRequest {
  model: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  temperature: number;
  maxTokens: number;
  /** Streaming: called with each text delta as it arrives. */
  onText?: (delta: string) => void;
  signal: AbortSignal;
}

export interface ProviderResponse {
  text: string;
  toolCalls: ToolCall[];
  /** The model that answered (providers may resolve aliases). */
  model: string;
  usage: TokenCounts;
  /** Whether `usage` came from the provider (true) or is an estimate (vscode-lm). */
  usageReported: boolean;
  stopReason: string | null;
}

/**
 * How an attempt failed. `request` (the request itself is wrong: 400, 413, 422) never falls back;
 * everything else tries the next provider.
 */
export type ProviderErrorKind = 'rate-limited' | 'server' | 'timeout' | 'network' | 'auth' | 'not-found' | 'request';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly httpStatus?: number,
    /** From `retry-after` / `retry-after-ms` on a 429. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** A provider behind the common interface: HTTP ones in core, vscode-lm in the VS Code layer. */
export interface ProviderClient {
  complete(settings: ProviderSettings, request: WireRequest): Promise<ProviderResponse>;
}

/** One recorded attempt of `complete()`. */
export interface UsageEvent {
  projectId: string;
  provider: ProviderKind;
  model: string;
  operationType: OperationType;
  dashboardContext: string | null;
  usage: TokenCounts;
  /** False when the counts are an estimate (vscode-lm) rather than the provider's figures. */
  usageReported: boolean;
  status: 'success' | 'failure';
}

/**
 * Where token usage goes (the token recording/pricing work implements it). Returns the cost it
 * priced the event at (DECIMAL string), when it knows one.
 */
export interface UsageRecorder {
  record(event: UsageEvent): Promise<{ totalCost: string | null } | void>;
}

/** Whether a module holds a granted, unrevoked capability (the Bin's capabilities). */
export interface CapabilityChecker {
  has(moduleId: string, capability: string): Promise<boolean>;
}
