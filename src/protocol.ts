/**
 * The one host ⇄ webview protocol. Webviews send requests (with an id) and get exactly one
 * response per request; the host pushes notifications. The host validates every inbound message
 * with zod and answers anything invalid with an error response — never a crash or a silent drop.
 *
 * Each method is declared once in `requests` / `notifications` with its params schema; the result
 * types live in `RequestResults`. Both bundles import this file (the webview only for types and the
 * method names), so a method's name, params and result cannot drift apart.
 */
import * as z from 'zod';
import type { ProviderView } from './core/cortex/providers.js';
import type { TemplateEditor } from './core/extensions/catalog.js';
import type { DiffEntry } from './core/extensions/diff.js';
import type { FormField } from './core/extensions/form.js';
import type { Bump } from './core/extensions/semver.js';
import type { DashboardSummary, ModuleView, ProfileTree } from './core/hierarchy.js';
import type { ClockReading } from './core/time/check.js';
import type { ClockView, LayersView } from './core/time/view.js';
import type { TokenAnalyticsReport } from './core/tokens/analytics-report.js';
import type {
  ChangeCounts,
  ChangeDetails,
  ChangeSummary,
  ComplianceRow,
  GuardrailListRow,
  GuardrailRow,
  HighImpactRow,
  PayloadView,
  StandardRow,
  ViolationListRow,
} from './core/bin/index.js';

// ── Extension dashboards (issue 6) ─────────────────────────────────────────────────────────────
// The webview names an extension, a widget and a command/setting/link; the host checks each
// against the effective dashboard and the extension's manifest (src/core/extensions/allowlist.ts).

const extensionId = z.string().min(3).max(255);
const widgetId = z.string().min(1).max(64);
const templateId = z.string().min(1).max(36);
const formScalar = z.union([z.string().max(10_000), z.number().finite(), z.boolean()]);
/** Values typed into a generated form; the host checks each path and kind against the schema. */
const formEdits = z
  .array(
    z
      .object({
        path: z.string().min(1).max(300),
        value: z.union([formScalar, z.array(formScalar).max(100), z.null()]),
      })
      .strict(),
  )
  .max(500);
/** A template change is given as form edits or as the whole config in JSON — exactly one of them. */
const templateChange = {
  templateId,
  edits: formEdits.optional(),
  json: z
    .string()
    .max(512 * 1024)
    .optional(),
};
const oneChange = (p: { edits?: unknown; json?: unknown }) => (p.edits === undefined) !== (p.json === undefined);
const oneChangeMessage = 'give either the form edits or the JSON';

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
  /** The overrides as a form generated from the template schema (src/core/extensions/form.ts). */
  'extensions/overridesForm': z.object({ extensionId }).strict(),
  'extensions/saveOverridesForm': z.object({ extensionId, edits: formEdits }).strict(),
  /** A template's config as a form and as JSON, with its versions. */
  'extensions/template': z.object({ templateId }).strict(),
  /** The version bump and diff a change would make, before saving it. */
  'extensions/previewTemplate': z.object(templateChange).strict().refine(oneChange, oneChangeMessage),
  /** Saves a template change as a new version (`version` absent: the suggested bump). */
  'extensions/saveTemplate': z
    .object({
      ...templateChange,
      version: z.string().min(1).max(50).optional(),
      changelog: z.string().max(5000).optional(),
    })
    .strict()
    .refine(oneChange, oneChangeMessage),
  'extensions/rollbackTemplate': z.object({ templateId, toVersion: z.string().min(1).max(50) }).strict(),
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

export interface TemplateChangePreview {
  current: string | null;
  bump: Bump | 'none';
  /** The version a save without one gets; null when nothing changed. */
  suggested: string | null;
  diff: DiffEntry[];
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
  'extensions/overridesForm': { fields: FormField[] };
  'extensions/saveOverridesForm': { ok: true };
  'extensions/template': TemplateEditor;
  'extensions/previewTemplate': TemplateChangePreview;
  'extensions/saveTemplate': { version: string };
  'extensions/rollbackTemplate': { version: string };
}

// ── Token analytics (issue 4) ──────────────────────────────────────────────────────────────────

/** A UTC day `YYYY-MM-DD`; the host checks it is a real date and the range is sane. */
const utcDay = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const analyticsQuery = {
  period: z.enum(['day', 'week', 'month']),
  since: utcDay.optional(),
  until: utcDay.optional(),
};

const tokenRequests = {
  /** The report of this window's project for the range (default: the last 30 UTC days). */
  'tokens/analytics': z.object(analyticsQuery).strict(),
  /** The host asks where to save (showSaveDialog) and writes the report; the webview only asks. */
  'tokens/export': z.object({ ...analyticsQuery, format: z.enum(['csv', 'json']) }).strict(),
} satisfies Record<string, z.ZodType>;

export interface TokenAnalyticsView {
  /** Null when the workspace maps to no Cockpit project (`problem` says what to do). */
  project: { id: string; name: string } | null;
  problem: string | null;
  report: TokenAnalyticsReport | null;
}

interface TokenRequestResults {
  'tokens/analytics': TokenAnalyticsView;
  /** The file written, null when the user cancelled the dialog. */
  'tokens/export': { saved: string | null };
}

// ── The Bin view (issue 8, item 6) ────────────────────────────────────────────────────────────
// The webview names changes, violations, standards and guardrails by id; core re-checks every
// transition (only VALIDATED changes are approved, …) and every definition (patterns via re2js).

const binId = z.string().min(1).max(36);
const binStatus = z.enum(['PENDING', 'VALIDATED', 'REJECTED', 'PROPAGATED']);
const violationStatus = z.enum(['open', 'resolved', 'suppressed']);

const binRequests = {
  /** Changes newest first with the counts per status and the filter choices. */
  'bin/changes': z
    .object({
      status: binStatus.optional(),
      changeType: z.string().min(1).max(100).optional(),
      sourceModuleId: binId.optional(),
      text: z.string().max(200).optional(),
      /** The next page: changes older than this one (the last row of the page before). */
      before: z
        .object({
          createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/),
          id: binId,
        })
        .strict()
        .optional(),
      limit: z.number().int().min(1).max(500).optional(),
    })
    .strict(),
  /** One change: payload (pretty, bounded, credentials masked while PENDING), results, impact, log. */
  'bin/change': z.object({ id: binId }).strict(),
  'bin/approve': z.object({ id: binId }).strict(),
  'bin/reject': z.object({ id: binId, reason: z.string().max(2000) }).strict(),
  'bin/retry': z.object({ id: binId }).strict(),
  /** Apply the suggested fixes of the change's open violations and resubmit as a new change. */
  'bin/fix': z.object({ id: binId }).strict(),
  /** The compliance report, the violations list (by status) and the high-impact report. */
  'bin/compliance': z
    .object({ violationStatus: violationStatus.optional(), days: z.number().int().min(1).max(3650).optional() })
    .strict(),
  'bin/violation': z.object({ id: binId, status: z.enum(['resolved', 'suppressed']) }).strict(),
  /** Standards, guardrails and the projects a guardrail may be scoped to. */
  'bin/rules': z.object({}).strict(),
  /** Without `id`: create (all fields but enforcementLevel/isActive required by core). With `id`: patch. */
  'bin/saveStandard': z
    .object({
      id: binId.optional(),
      standardName: z.string().max(100).optional(),
      category: z.enum(['temporal', 'nomenclature', 'versioning']).optional(),
      patternRegex: z.string().max(2000).optional(),
      validationMessage: z.string().max(2000).nullable().optional(),
      enforcementLevel: z.enum(['error', 'warning', 'info']).optional(),
      isActive: z.boolean().optional(),
      appliesTo: z.string().max(500).nullable().optional(),
    })
    .strict(),
  /** `configuration` is JSON text as typed in the editor; the host parses and checks it. */
  'bin/saveGuardrail': z
    .object({
      id: binId.optional(),
      projectId: binId.nullable().optional(),
      ruleId: z.string().max(100).optional(),
      description: z.string().max(5000).optional(),
      severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).optional(),
      autoReject: z.boolean().optional(),
      enabled: z.boolean().optional(),
      configuration: z
        .string()
        .max(64 * 1024)
        .optional(),
    })
    .strict(),
  /** Live check of a pattern with re2js on the host (keeps re2js out of the webview bundle). */
  'bin/validatePattern': z.object({ pattern: z.string().max(4000), sample: z.string().max(2000) }).strict(),
} satisfies Record<string, z.ZodType>;

export interface BinChangesView {
  changes: ChangeSummary[];
  /** Older changes match beyond this page. */
  more: boolean;
  counts: ChangeCounts;
  changeTypes: string[];
  modules: Array<{ id: string; name: string; dashboardName: string; projectName: string }>;
  projects: Record<string, string>;
}

/** The AI cost of propagating a change waiting for approval (issue 9's `estimation`). */
export interface BinChangeEstimate {
  provider: string;
  model: string;
  dashboards: number;
  tokens: number;
  /** USD, 4 decimals; null when the model has no known price. */
  cost: string | null;
}

export interface BinChangeView {
  change: Omit<ChangeDetails, 'payload'>;
  payload: PayloadView;
  /** Standard names of the change's violations, by standard id. */
  standards: Record<string, string>;
  projectName: string | null;
  /** Shown before an approval; null when AI takes no part or nothing waits for approval. */
  estimate: BinChangeEstimate | null;
}

export interface BinComplianceView {
  compliance: ComplianceRow[];
  violations: ViolationListRow[];
  highImpact: HighImpactRow[];
  days: number;
}

export interface BinRulesView {
  standards: StandardRow[];
  /** `configurationText`: the configuration as pretty JSON for the editor. */
  guardrails: Array<GuardrailListRow & { configurationText: string }>;
  projects: Array<{ id: string; name: string }>;
}

interface BinRequestResults {
  'bin/changes': BinChangesView;
  'bin/change': BinChangeView;
  'bin/approve': { ok: true };
  'bin/reject': { ok: true };
  'bin/retry': { dashboards: number };
  'bin/fix': { id: string; fixed: number };
  'bin/compliance': BinComplianceView;
  'bin/violation': { ok: true };
  'bin/rules': BinRulesView;
  'bin/saveStandard': StandardRow;
  'bin/saveGuardrail': GuardrailRow;
  'bin/validatePattern': { ok: true; matches: boolean } | { ok: false; message: string };
}

// ── Cockpit assistant (issue 9) ────────────────────────────────────────────────────────────────
// Questions go to the AI Cortex with the project's context. An API key typed in the panel travels
// only webview → host inside `assistant/provider/add|update`; no result or notification carries
// it back: providers are shown with `keyHint` (`••••1234`) only.

const providerKind = z.enum(['anthropic', 'openai', 'azure', 'local', 'vscode-lm']);
const providerFields = {
  model: z.string().min(1).max(100),
  baseUrl: z.string().max(500).nullable(),
  /** null removes the key (update only). */
  apiKey: z.string().max(400).nullable(),
  temperature: z.number().min(0).max(2),
  maxTokens: z.number().int().min(1).max(1_000_000),
  enabled: z.boolean(),
  priority: z.number().int().min(-1000).max(1000),
};

const assistantRequests = {
  /** The project, its providers (keys masked) and the stored conversation. */
  'assistant/state': z.object({}).strict(),
  'assistant/ask': z.object({ question: z.string().min(1).max(20_000) }).strict(),
  /** Empties the conversation (the system prompt and pinned messages stay). */
  'assistant/clear': z.object({}).strict(),
  'assistant/provider/add': z
    .object({
      provider: providerKind,
      model: providerFields.model,
      baseUrl: providerFields.baseUrl.optional(),
      apiKey: z.string().max(400).optional(),
      temperature: providerFields.temperature.optional(),
      maxTokens: providerFields.maxTokens.optional(),
      priority: providerFields.priority.optional(),
    })
    .strict(),
  'assistant/provider/update': z
    .object({ id: z.string().min(1).max(36), ...providerFields })
    .partial()
    .required({ id: true })
    .strict(),
  'assistant/provider/test': z.object({ id: z.string().min(1).max(36) }).strict(),
  /** The host asks the user to confirm. */
  'assistant/provider/delete': z.object({ id: z.string().min(1).max(36) }).strict(),
} satisfies Record<string, z.ZodType>;

/** A provider configuration as the panel sees it: never the key, only `keyHint`. */
export type AssistantProviderView = Omit<ProviderView, 'projectId' | 'hasKey' | 'createdAt' | 'updatedAt'>;

export interface AssistantMessageView {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  tokens: number;
  at: string;
  /** Assistant messages that asked for tools: their names. */
  toolCalls?: string[];
}

export interface AssistantStepView {
  kind: 'completion' | 'tool';
  /** completion: `chat` or `tool_call`; tool: the tool's name. */
  label: string;
  ok: boolean;
  /** completion: provider · model; tool: the (bounded) result. */
  detail: string;
  inputTokens: number;
  outputTokens: number;
  /** USD, 4 decimals; null when unpriced or cached. */
  cost: string | null;
  /** What a prompt-cache hit saved. */
  savedCost: string | null;
}

export interface AssistantAnswerView {
  answer: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Total of the turn's completions (USD, 4 decimals). */
  cost: string;
  /** Total saved by prompt-cache hits (USD, 4 decimals); "0.0000" when none. */
  savedCost: string;
  cached: boolean;
  steps: AssistantStepView[];
}

export interface AssistantState {
  /** Null when the workspace maps to no Cockpit project (`problem` says what to do). */
  project: { id: string; name: string } | null;
  problem: string | null;
  /** The active dashboard the answers are about. */
  dashboard: string | null;
  providers: AssistantProviderView[];
  conversation: { messages: AssistantMessageView[]; currentTokens: number; maxTokens: number } | null;
}

interface AssistantRequestResults {
  'assistant/state': AssistantState;
  'assistant/ask': { turn: AssistantAnswerView; state: AssistantState };
  'assistant/clear': AssistantState;
  'assistant/provider/add': AssistantState;
  'assistant/provider/update': AssistantState;
  'assistant/provider/test': { ok: boolean; message: string; durationMs: number | null };
  'assistant/provider/delete': AssistantState;
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

// Building blocks of params: every string bounded, every object strict (unknown keys are refused).
const rowId = z.string().min(1).max(36);
const rowIds = z.array(rowId).max(1000);
const name = z.string().max(255);
const longText = z.string().max(10_000);
const folderUri = z.string().min(1).max(4096);
const decisionStatus = z.enum(['proposed', 'accepted', 'superseded']);
const params = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

// ── Time & versions (issue 10) ─────────────────────────────────────────────────────────────────
// The Time view: clock-sync history and checks, the Browser clock exchange (the host posts a
// `clock/probe` notification, the view answers with a `time/clockReply` request), the 5-layer view
// and the project-snapshot actions (the host runs the same dialogs as the commands).

const timeRequests = {
  /** The clock_sync_status rows of the last `hours` hours. */
  'time/clock': params({
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90),
  }),
  /** Runs Cockpit: Check Clock Sync now (this view's clock included) and records the readings. */
  'time/check': params({}),
  /** The view's clock (µs since the epoch) in answer to the probe with that number. */
  'time/clockReply': params({ probe: id, micros: z.number().finite() }),
  /** `scope: 'file'`: the file of the last active editor; `at`: layer 3's instant (default now). */
  'time/layers': params({
    projectId: rowId.optional(),
    scope: z.enum(['project', 'file']),
    at: z
      .string()
      .max(40)
      .regex(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/,
        'must be ISO-8601 Zulu, e.g. 2026-01-01T14:30:45.123456Z',
      )
      .optional(),
  }),
  /** Create/import need the project; restore/export the snapshot too. */
  'time/snapshot': params({
    action: z.enum(['create', 'restore', 'export', 'import']),
    projectId: rowId,
    snapshotId: rowId.optional(),
  }),
} satisfies Record<string, z.ZodType>;

export interface TimeLayersView extends LayersView {
  /** The workspace-relative file shown with `scope: 'file'`, and why none is when there is none. */
  file: string | null;
  fileProblem: string | null;
}

interface TimeRequestResults {
  'time/clock': ClockView;
  'time/check': { readings: ClockReading[] };
  /** false: no probe with that number was waiting (late or repeated). */
  'time/clockReply': { accepted: boolean };
  'time/layers': TimeLayersView;
  /** false when the user cancelled a dialog. */
  'time/snapshot': { done: boolean };
}

/** Webview → host requests: method → params schema. Feature sections add theirs here. */
export const requests = {
  /** Sent once per load when the view first shows content; the host logs the time since opening. */
  'view/ready': z.object({}).strict(),

  // ── Cockpit panel ──
  /** Everything the panel shows for one workspace folder (default: the current one) and profile. */
  'cockpit/state': params({ folder: folderUri.optional(), profileId: rowId.optional() }),
  /** Runs Cockpit: Connect Database (URL, password, migrations). */
  'database/connect': params({}),
  'project/create': params({ folder: folderUri, template: z.string().min(1).max(100), name }),
  'profile/create': params({ projectId: rowId, name, description: longText.optional() }),
  'profile/update': params({ id: rowId, name: name.optional(), description: longText.optional() }),
  /** Asks the user to confirm, then deletes. */
  'profile/delete': params({ id: rowId }),
  'profile/reorder': params({ projectId: rowId, ids: rowIds }),
  'dashboard/create': params({ profileId: rowId, name, description: longText.optional() }),
  'dashboard/update': params({ id: rowId, name: name.optional(), description: longText.optional() }),
  'dashboard/delete': params({ id: rowId }),
  'dashboard/reorder': params({ profileId: rowId, ids: rowIds }),
  'dashboard/switch': params({ profileId: rowId, dashboardId: rowId }),
  'module/create': params({
    dashboardId: rowId,
    moduleType: z.enum(['checklist', 'decision_log', 'file_manager']),
    name,
  }),
  'module/rename': params({ id: rowId, name }),
  'module/delete': params({ id: rowId }),
  'module/reorder': params({ dashboardId: rowId, ids: rowIds }),
  'checklist/add': params({ moduleId: rowId, text: z.string().max(500) }),
  'checklist/check': params({
    moduleId: rowId,
    index: z.number().int().min(0).max(10_000),
    text: z.string().max(500),
    done: z.boolean(),
  }),
  'checklist/remove': params({
    moduleId: rowId,
    index: z.number().int().min(0).max(10_000),
    text: z.string().max(500),
  }),
  'decision/add': params({
    moduleId: rowId,
    title: z.string().max(200),
    context: longText,
    decision: longText,
    status: decisionStatus,
  }),
  'decision/status': params({
    moduleId: rowId,
    index: z.number().int().min(0).max(10_000),
    title: z.string().max(200),
    status: decisionStatus,
  }),
  /** Without `path` the host asks for the file with an open dialog. */
  'file/pin': params({ moduleId: rowId, folder: folderUri, path: z.string().max(1024).optional() }),
  'file/unpin': params({ moduleId: rowId, path: z.string().max(1024) }),
  /** Opens a pinned file in an editor. */
  'file/open': params({ moduleId: rowId, folder: folderUri, path: z.string().max(1024) }),
  /** Shows the version history of a dashboard or module in a QuickPick and restores the choice. */
  'history/show': params({ resourceType: z.enum(['dashboard', 'module']), resourceId: rowId }),
  /** Shows the project's audit trail (Cockpit: Show Audit Trail). */
  'audit/show': params({}),

  ...extensionRequests,
  ...tokenRequests,
  ...binRequests,
  ...assistantRequests,
  ...timeRequests,
} satisfies Record<string, z.ZodType>;

export type RequestMethod = keyof typeof requests;
export type RequestParams<M extends RequestMethod> = z.input<(typeof requests)[M]>;

export interface CockpitFolder {
  uri: string;
  name: string;
}

export interface CockpitState {
  /** What the panel can show: each status has its own empty state and next step. */
  status: 'no-folder' | 'no-database' | 'disconnected' | 'no-project' | 'ready';
  /** Why the database cannot be reached (safe to show: no secrets). */
  message?: string;
  folders: CockpitFolder[];
  folder: CockpitFolder | null;
  /** Workflow templates offered when the folder has no project yet. */
  templates: Array<{ name: string; description: string | null }>;
  project: { id: string; name: string; workflowTemplate: string | null; matchedBy: 'link' | 'git' | 'created' } | null;
  profiles: ProfileTree[];
  /** The profile shown (the requested one if it still exists, else the first). */
  profileId: string | null;
  /** Its active dashboard — the Single Active Screen — and that dashboard's modules. */
  dashboard: DashboardSummary | null;
  modules: ModuleView[];
}

type Done = { ok: true };

/** What each request answers. */
export interface RequestResults
  extends ExtensionRequestResults, TokenRequestResults, BinRequestResults, AssistantRequestResults, TimeRequestResults {
  'view/ready': { view: string };
  'cockpit/state': CockpitState;
  'database/connect': { connected: boolean };
  'project/create': { projectId: string };
  'profile/create': { id: string };
  'profile/update': Done;
  'profile/delete': { deleted: boolean };
  'profile/reorder': Done;
  'dashboard/create': { id: string };
  'dashboard/update': Done;
  'dashboard/delete': { deleted: boolean };
  'dashboard/reorder': Done;
  'dashboard/switch': Done;
  'module/create': { id: string };
  'module/rename': Done;
  'module/delete': { deleted: boolean };
  'module/reorder': Done;
  'checklist/add': Done;
  'checklist/check': Done;
  'checklist/remove': Done;
  'decision/add': Done;
  'decision/status': Done;
  'file/pin': { pinned: string | null };
  'file/unpin': Done;
  'file/open': Done;
  'history/show': { restored: number | null };
  'audit/show': Done;
}

/** Host → webview notifications: method → params type. */
export interface Notifications {
  /** Something the view shows changed (in this window, another window or the CLI): refetch. */
  'data/changed': { reason: string };
  /** The database became unreachable or reachable again. */
  'connection/changed': { connected: boolean; message?: string };
  /** Time view: answer with `time/clockReply` carrying this number and the view's clock. */
  'clock/probe': { probe: number };
  /** Time view: a command asked for the 5-layer view of the project or of the active file. */
  'time/focus': { scope: 'project' | 'file' };
}
