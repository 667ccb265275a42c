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

// ── Extension dashboards (issue 6) ─────────────────────────────────────────────────────────────
// The webview names an extension, a widget and a command/setting/link; the host checks each
// against the effective dashboard and the extension's manifest (src/core/extensions/allowlist.ts).

const extensionId = z.string().min(3).max(255);
const widgetId = z.string().min(1).max(64);

const extensionRequests = {
  /** Installed extensions with their mapping state and the enabled dashboards, rendered. */
  'extensions/state': z.object({}).strict(),
  'extensions/map': z.object({ extensionId, templateId: z.string().min(1).max(36) }).strict(),
  'extensions/setEnabled': z.object({ extensionId, enabled: z.boolean() }).strict(),
  /** The mapped extensions in their new display order. */
  'extensions/reorder': z.object({ extensionIds: z.array(extensionId).max(500) }).strict(),
  /** Raw JSON text of the project's overrides ("" or "null" removes them). */
  'extensions/setOverrides': z.object({ extensionId, json: z.string().max(64 * 1024) }).strict(),
  'extensions/runCommand': z.object({ extensionId, widgetId, command: z.string().min(1).max(200) }).strict(),
  /** `value` absent: remove the workspace value. */
  'extensions/updateSetting': z
    .object({ extensionId, widgetId, key: z.string().min(1).max(200), value: z.unknown().optional() })
    .strict(),
  'extensions/openLink': z.object({ extensionId, widgetId, url: z.string().min(1).max(2000) }).strict(),
} satisfies Record<string, z.ZodType>;

export type ExtensionMappingState = 'enabled' | 'mapped' | 'available' | 'missing' | 'unsupported';

export interface ExtensionRowView {
  extensionId: string;
  displayName: string;
  version: string | null;
  installed: boolean;
  state: ExtensionMappingState;
  /** The mapped template, when mapped. */
  template: { id: string; name: string } | null;
  /** Approved templates the extension can be mapped to. */
  templates: Array<{ id: string; name: string; version: string | null }>;
  /** The project's overrides as JSON text ("" when none). */
  overrides: string;
  /** Why the mapping cannot be rendered (e.g. overrides no longer valid). */
  error: string | null;
}

export type WidgetView = { id: string; title: string | null; span: number } & (
  | {
      type: 'commands';
      /** `allowed` false: the installed extension does not contribute it (the host would refuse it). */
      commands: Array<{ command: string; title: string; allowed: boolean }>;
    }
  | {
      type: 'settings';
      settings: Array<{
        key: string;
        description: string | null;
        types: string[];
        enum: Array<string | number | boolean> | null;
        /** Workspace value, or the effective one when the workspace sets none. */
        value: unknown;
        setInWorkspace: boolean;
        /** False when undeclared by the manifest or not settable per workspace. */
        editable: boolean;
      }>;
    }
  | { type: 'links'; links: Array<{ label: string; url: string }> }
  | { type: 'markdown'; markdown: string }
  | { type: 'status'; items: Array<{ label: string; value: string }> }
);

export interface DashboardView {
  extensionId: string;
  title: string;
  description: string | null;
  columns: number;
  widgets: WidgetView[];
}

export interface ExtensionsViewState {
  /** Null when the database is unreachable or the workspace has no Cockpit project yet. */
  project: { id: string; name: string } | null;
  /** Why there is no project (disconnected, no workspace, …), to show with a next step. */
  problem: string | null;
  autoEnable: boolean;
  extensions: ExtensionRowView[];
  dashboards: DashboardView[];
}

interface ExtensionRequestResults {
  'extensions/state': ExtensionsViewState;
  'extensions/map': { ok: true };
  'extensions/setEnabled': { ok: true };
  'extensions/reorder': { ok: true };
  'extensions/setOverrides': { ok: true };
  'extensions/runCommand': { ok: true };
  'extensions/updateSetting': { ok: true };
  'extensions/openLink': { ok: true };
}

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
    | 'unavailable'
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
  ...extensionRequests,
} satisfies Record<string, z.ZodType>;

export type RequestMethod = keyof typeof requests;
export type RequestParams<M extends RequestMethod> = z.input<(typeof requests)[M]>;

/** What each request answers. */
export interface RequestResults extends ExtensionRequestResults {
  'view/ready': { view: string };
}

/** Host → webview notifications: method → params type. */
export interface Notifications {
  /** Something the view shows changed (in this window, another window or the CLI): refetch. */
  'data/changed': { reason: string };
  /** The database became unreachable or reachable again. */
  'connection/changed': { connected: boolean; message?: string };
}
