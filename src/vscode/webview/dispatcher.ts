/**
 * Answers webview requests. Plain TypeScript without `vscode`, so the hostile-message tests run in
 * Node: every inbound message gets exactly one response — a result, or an error naming what was
 * wrong — and nothing a webview sends can reach a handler unvalidated.
 */
import type { z } from 'zod';
import { DrizzleQueryError } from 'drizzle-orm';
import { CockpitError, safeMessage } from '../../core/errors.js';
import { DatabaseError } from '../../db/connection.js';
import {
  MAX_MESSAGE_BYTES,
  requestEnvelope,
  requests,
  type ProtocolError,
  type RequestMethod,
  type RequestResults,
  type ResponseMessage,
} from '../../protocol.js';

export type RequestHandler<M extends RequestMethod> = (
  params: z.output<(typeof requests)[M]>,
) => Promise<RequestResults[M]> | RequestResults[M];

/** The methods one view answers; any other method gets `unknown-method`. */
export type RequestHandlers = { [M in RequestMethod]?: RequestHandler<M> };

export interface DispatcherOptions {
  /** Where unexpected failures are described in full (the webview gets a generic message). */
  logError: (message: string) => void;
  maxMessageBytes?: number;
}

export type Dispatch = (raw: unknown) => Promise<ResponseMessage>;

export function createDispatcher(handlers: RequestHandlers, options: DispatcherOptions): Dispatch {
  const limit = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  return async (raw) => {
    const id = idOf(raw);
    const fail = (error: ProtocolError): ResponseMessage => ({ kind: 'response', id, ok: false, error });
    if (exceedsBytes(raw, limit)) {
      return fail({ code: 'invalid-message', message: `The message is larger than ${limit} bytes.` });
    }
    const envelope = requestEnvelope.safeParse(raw);
    if (!envelope.success) {
      return fail({ code: 'invalid-message', ...describeIssue(envelope.error, '') });
    }
    const { method } = envelope.data;
    const handler = Object.hasOwn(handlers, method) ? (handlers[method as RequestMethod] as AnyHandler) : undefined;
    const schema = Object.hasOwn(requests, method) ? requests[method as RequestMethod] : undefined;
    if (!handler || !schema) {
      return fail({ code: 'unknown-method', message: `Unknown method "${method.slice(0, 100)}".` });
    }
    const params = schema.safeParse(envelope.data.params);
    if (!params.success) return fail({ code: 'invalid', ...describeIssue(params.error, 'params') });
    try {
      const result = await handler(params.data);
      return { kind: 'response', id: envelope.data.id, ok: true, result: result ?? null };
    } catch (error) {
      return fail(toProtocolError(error, method, options.logError));
    }
  };
}

type AnyHandler = (params: unknown) => Promise<unknown> | unknown;

/** The request's id when it has a valid one, so even a refused request can be matched by the webview. */
function idOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

function describeIssue(error: z.ZodError, root: string): Pick<ProtocolError, 'message' | 'field'> {
  const issue = error.issues[0];
  const field = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  const message = `${field || 'message'}: ${issue?.message ?? 'invalid'}`;
  return field ? { message, field } : { message };
}

export function toProtocolError(error: unknown, method: string, logError: (message: string) => void): ProtocolError {
  if (error instanceof CockpitError) {
    return error.field
      ? { code: error.code, message: error.message, field: error.field }
      : { code: error.code, message: error.message };
  }
  const disconnected = disconnectedMessage(error);
  if (disconnected) {
    if (!(error instanceof DatabaseError)) logError(`${method} failed: ${safeMessage(error)}`);
    return { code: 'disconnected', message: disconnected };
  }
  logError(`${method} failed: ${safeMessage(error)}`);
  return { code: 'internal', message: `${method} failed unexpectedly; see Cockpit: Show Log.` };
}

/**
 * The user-facing reason when `error` means the database cannot serve the Cockpit right now —
 * unreachable, connection lost, or a schema older than this version — else undefined.
 */
export function disconnectedMessage(error: unknown): string | undefined {
  // Connection failures are already phrased for users and free of secrets.
  if (error instanceof DatabaseError) return error.message;
  // drizzle wraps the driver's error (with its code) in a DrizzleQueryError's `cause`.
  const driverError = error instanceof DrizzleQueryError ? error.cause : error;
  const code = (driverError as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (LOST_CONNECTION.has(code)) return 'The connection to the database was lost; retry when it is back.';
  if (code === 'ER_NO_SUCH_TABLE' || code === 'ER_BAD_FIELD_ERROR') {
    return 'The database schema is not up to date: run Cockpit: Connect Database to migrate it.';
  }
  return undefined;
}

/** mysql2 error codes of a connection that went away mid-request. */
const LOST_CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
]);

/**
 * Whether `value` would serialize to more than `limit` bytes (UTF-8 upper bound). Stops as soon
 * as the budget is spent, and treats cycles or absurd nesting as too large, so a hostile message
 * costs no more than `limit` to measure.
 */
export function exceedsBytes(value: unknown, limit: number): boolean {
  let budget = limit;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.depth > 64) return true;
    const v = next.value;
    if (typeof v === 'string') budget -= v.length * 3 + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) budget -= 24;
    else if (typeof v === 'bigint') budget -= v.toString().length;
    else if (typeof v === 'object') {
      const entries = Array.isArray(v) ? v : Object.entries(v as object).flat();
      budget -= 2 + entries.length;
      if (budget < 0) return true;
      for (const item of entries) stack.push({ value: item, depth: next.depth + 1 });
    } else budget -= 24;
    if (budget < 0) return true;
  }
  return false;
}
