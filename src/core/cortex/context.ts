import { randomUUID } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { contextWindows, projects } from '../../db/schema/index.js';
import type { Executor } from '../audit.js';
import { invalid, notFound } from '../errors.js';
import type { CacheMode, CompletionResult, Cortex } from './cortex.js';
import { promptTokens, type ChatMessage, type OperationType, type ToolDefinition } from './types.js';

/**
 * A project's conversation: `conversation_history` = `{ messages: ContextMessage[] }`, and
 * `current_tokens` is always the sum of the messages' `tokens` (written together, under a row lock).
 */
export interface ContextMessage extends ChatMessage {
  id: string;
  /** The provider's count where it reported one, else `estimateTokens`. */
  tokens: number;
  estimated: boolean;
  /** Pinned messages (and system prompts) survive trimming. */
  pinned: boolean;
  at: string;
}

export interface ContextWindow {
  id: string;
  projectId: string;
  messages: ContextMessage[];
  currentTokens: number;
  maxTokens: number;
  lastMessageAt: string;
}

export const DEFAULT_CONTEXT_TOKENS = 200_000;
const MAX_MESSAGE_CHARS = 400_000;

/**
 * Estimate before the provider has counted: one token per 4 bytes of UTF-8 (rounded up) plus 4
 * for the message's role and framing — close to what BPE tokenizers give for English and code,
 * pessimistic for CJK. Replaced by the provider's figure once it answers.
 */
export function estimateTokens(message: Pick<ChatMessage, 'content' | 'toolCalls'>): number {
  const calls = message.toolCalls ? JSON.stringify(message.toolCalls) : '';
  return Math.ceil(Buffer.byteLength(message.content + calls, 'utf8') / 4) + 4;
}

const sum = (messages: ContextMessage[]) => messages.reduce((total, m) => total + m.tokens, 0);
const keeps = (m: ContextMessage) => m.role === 'system' || m.pinned;

/**
 * Drops the oldest messages that are neither system prompts nor pinned until the history plus
 * `incoming` tokens fit `maxTokens`. An assistant message leaves with the tool results that answer
 * its calls, and a conversation never starts with an orphan assistant or tool message.
 */
export function trimToFit(
  messages: ContextMessage[],
  incoming: number,
  maxTokens: number,
): { kept: ContextMessage[]; dropped: ContextMessage[] } {
  let kept = [...messages];
  const dropped: ContextMessage[] = [];
  const drop = (victim: ContextMessage) => {
    const answers = new Set((victim.toolCalls ?? []).map((c) => c.id));
    const leaving = kept.filter((m) => m === victim || (m.role === 'tool' && answers.has(m.toolCallId ?? '')));
    dropped.push(...leaving);
    kept = kept.filter((m) => !leaving.includes(m));
  };
  while (sum(kept) + incoming > maxTokens) {
    const victim = kept.find((m) => !keeps(m));
    if (!victim) {
      throw invalid(
        `The system prompt and pinned messages (${sum(kept)} tokens) and the new message (${incoming}) exceed this ` +
          `conversation's ${maxTokens}-token window: unpin messages or raise max_tokens.`,
        'maxTokens',
      );
    }
    drop(victim);
    for (;;) {
      const first = kept.find((m) => m.role !== 'system');
      if (!first || first.role === 'user' || first.pinned) break;
      drop(first);
    }
  }
  return { kept, dropped };
}

type Row = typeof contextWindows.$inferSelect;

function toWindow(row: Row): ContextWindow {
  const history = row.conversationHistory as { messages?: ContextMessage[] } | null;
  return {
    id: row.id,
    projectId: row.projectId,
    messages: history?.messages ?? [],
    currentTokens: row.currentTokens,
    maxTokens: row.maxTokens,
    lastMessageAt: row.lastMessageAt,
  };
}

/** The project's most recent conversation, or a new empty one. */
export async function openContextWindow(
  db: Db,
  projectId: string,
  options: { maxTokens?: number } = {},
): Promise<ContextWindow> {
  const [latest] = await db
    .select()
    .from(contextWindows)
    .where(eq(contextWindows.projectId, projectId))
    .orderBy(desc(contextWindows.lastMessageAt))
    .limit(1);
  if (latest) return toWindow(latest);
  return newContextWindow(db, projectId, options);
}

export async function newContextWindow(
  db: Db,
  projectId: string,
  options: { maxTokens?: number } = {},
): Promise<ContextWindow> {
  const maxTokens = options.maxTokens ?? DEFAULT_CONTEXT_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 100 || maxTokens > 10_000_000) {
    throw invalid('Invalid maxTokens: a whole number from 100 to 10 000 000.', 'maxTokens');
  }
  const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
  if (!project) throw notFound('Project', projectId);
  const id = randomUUID();
  await db
    .insert(contextWindows)
    .values({ id, projectId, conversationHistory: { messages: [] }, currentTokens: 0, maxTokens });
  return getContextWindow(db, id);
}

export async function getContextWindow(db: Executor, id: string): Promise<ContextWindow> {
  const [row] = await db.select().from(contextWindows).where(eq(contextWindows.id, id));
  if (!row) throw notFound('Conversation', id);
  return toWindow(row);
}

/** Reads the window under a row lock, lets `change` rewrite its messages, and writes them with their sum. */
async function rewrite<T>(
  db: Db,
  id: string,
  change: (window: ContextWindow) => { messages: ContextMessage[]; result: T },
): Promise<{ window: ContextWindow; result: T }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(contextWindows).where(eq(contextWindows.id, id)).for('update');
    if (!row) throw notFound('Conversation', id);
    const { messages, result } = change(toWindow(row));
    await tx
      .update(contextWindows)
      .set({
        conversationHistory: { messages },
        currentTokens: sum(messages),
        lastMessageAt: sql`CURRENT_TIMESTAMP(6)`,
      })
      .where(eq(contextWindows.id, id));
    return { window: await getContextWindow(tx, id), result };
  });
}

function message(role: ContextMessage['role'], content: string, extra: Partial<ContextMessage> = {}): ContextMessage {
  if (content.length > MAX_MESSAGE_CHARS)
    throw invalid(`A message holds at most ${MAX_MESSAGE_CHARS} characters.`, 'content');
  const base = { role, content, ...(extra.toolCalls ? { toolCalls: extra.toolCalls } : {}) };
  return {
    id: randomUUID(),
    ...base,
    tokens: estimateTokens(base),
    estimated: true,
    pinned: false,
    at: new Date().toISOString(),
    ...extra,
  };
}

/** Sets (or replaces) the conversation's system prompt; it is never trimmed. */
export async function setSystemPrompt(db: Db, windowId: string, text: string): Promise<ContextWindow> {
  const { window } = await rewrite(db, windowId, (w) => {
    const rest = w.messages.filter((m) => m.role !== 'system');
    const messages = text.trim() ? [message('system', text), ...rest] : rest;
    return { messages: trimToFit(messages, 0, w.maxTokens).kept, result: undefined };
  });
  return window;
}

export async function pinMessage(db: Db, windowId: string, messageId: string, pinned: boolean): Promise<ContextWindow> {
  const { window } = await rewrite(db, windowId, (w) => {
    if (!w.messages.some((m) => m.id === messageId)) throw notFound('Message', messageId);
    return { messages: w.messages.map((m) => (m.id === messageId ? { ...m, pinned } : m)), result: undefined };
  });
  return window;
}

export async function clearContextWindow(db: Db, windowId: string): Promise<ContextWindow> {
  const { window } = await rewrite(db, windowId, (w) => ({
    messages: w.messages.filter(keeps),
    result: undefined,
  }));
  return window;
}

export interface AskOptions {
  windowId: string;
  question: string;
  tools?: ToolDefinition[];
  operationType?: OperationType;
  dashboardContext?: string | null;
  cache?: CacheMode;
  stream?: { text(delta: string): void; reset?(): void };
  signal?: AbortSignal;
  /** Tokens kept free for the answer when trimming. Default 4096. */
  reserveTokens?: number;
}

export interface AskResult {
  completion: CompletionResult;
  window: ContextWindow;
  /** Messages trimmed to make room (oldest first). */
  dropped: ContextMessage[];
}

/**
 * One turn of a conversation: trims the history to fit (system prompt and pinned messages stay),
 * asks the Cortex, then stores the question and answer with the provider's token counts. The
 * question's count is the provider's prompt tokens minus the history it was sent with.
 */
export async function ask(cortex: Cortex, options: AskOptions): Promise<AskResult> {
  const { db } = cortex;
  if (!options.question.trim()) throw invalid('The question is empty.', 'question');
  const question = message('user', options.question);
  const reserve = options.reserveTokens ?? 4096;
  const { window: before, result: trimmed } = await rewrite(db, options.windowId, (w) => {
    const { kept, dropped } = trimToFit(
      w.messages,
      question.tokens + Math.min(reserve, Math.floor(w.maxTokens / 2)),
      w.maxTokens,
    );
    return { messages: kept, result: dropped };
  });
  const history = before.messages;
  const completion = await cortex.complete({
    projectId: before.projectId,
    messages: [...history.map(toChatMessage), toChatMessage(question)],
    tools: options.tools,
    operationType: options.operationType ?? 'chat',
    dashboardContext: options.dashboardContext,
    cache: options.cache,
    stream: options.stream,
    signal: options.signal,
  });
  const prompt = promptTokens(completion.usage);
  const historyTokens = sum(history);
  const counted = prompt > historyTokens;
  const asked: ContextMessage = counted ? { ...question, tokens: prompt - historyTokens, estimated: false } : question;
  const answer = message(
    'assistant',
    completion.text,
    completion.toolCalls.length ? { toolCalls: completion.toolCalls } : {},
  );
  if (completion.usage.outputTokens > 0)
    Object.assign(answer, { tokens: completion.usage.outputTokens, estimated: false });
  const { window, result: droppedAfter } = await rewrite(db, options.windowId, (w) => {
    const { kept, dropped } = trimToFit([...w.messages, asked], answer.tokens, w.maxTokens);
    return { messages: [...kept, answer], result: dropped };
  });
  return { completion, window, dropped: [...trimmed, ...droppedAfter] };
}

function toChatMessage(m: ContextMessage): ChatMessage {
  return {
    role: m.role,
    content: m.content,
    ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
    ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
  };
}

/** Appends messages as they are (tool results, imported history), trimming to fit. */
export async function appendMessages(
  db: Db,
  windowId: string,
  messages: Array<ChatMessage & { pinned?: boolean; tokens?: number }>,
): Promise<ContextWindow> {
  const added = messages.map((m) =>
    message(m.role, m.content, {
      ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
      ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
      pinned: m.pinned ?? false,
      ...(m.tokens !== undefined ? { tokens: m.tokens, estimated: false } : {}),
    }),
  );
  const { window } = await rewrite(db, windowId, (w) => {
    const { kept } = trimToFit([...w.messages, ...added], 0, w.maxTokens);
    return { messages: kept, result: undefined };
  });
  return window;
}
