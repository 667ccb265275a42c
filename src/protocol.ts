/**
 * The one host ⇄ webview protocol. Webviews send requests (with an id) and get exactly one
 * response per request; the host pushes notifications. The host validates every inbound message
 * with zod and answers anything invalid with an error response — never a crash or a silent drop.
 *
 * Each method is declared once in `requests` / `notifications` with its params schema; the result
 * types live in `RequestResults`. Both bundles import this file (the webview only for types and the
 * method names), so a method's name, params and result cannot drift apart.
 */
import { z } from 'zod';

/** Largest inbound message the host accepts (serialized), so a hostile webview cannot exhaust memory. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const method = z.string().min(1).max(100);

export const requestEnvelope = z.object({ kind: z.literal('request'), id, method, params: z.unknown() }).strict();

export interface ProtocolError {
  code:
    | 'invalid-message'
    | 'unknown-method'
    | 'invalid'
    | 'not-found'
    | 'conflict'
    | 'forbidden'
    | 'disconnected'
    | 'internal';
  message: string;
  field?: string;
}

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number | null; ok: false; error: ProtocolError };

export interface NotificationMessage {
  kind: 'notification';
  method: string;
  params: unknown;
}

/** Webview → host requests: method → params schema. Feature sections add theirs here. */
export const requests = {
  /** The webview's first message after (re)load: answers with the view's state. */
  'view/ready': z.object({}).strict(),
} satisfies Record<string, z.ZodType>;

export type RequestMethod = keyof typeof requests;
export type RequestParams<M extends RequestMethod> = z.input<(typeof requests)[M]>;

/** What each request answers. */
export interface RequestResults {
  'view/ready': { view: string };
}

/** Host → webview notifications: method → params type. */
export interface Notifications {
  /** Something the view shows changed (in this window, another window or the CLI): refetch. */
  'data/changed': { reason: string };
  /** The database became unreachable or reachable again. */
  'connection/changed': { connected: boolean; message?: string };
}
