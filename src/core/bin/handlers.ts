/**
 * How each module type receives a propagated change. Handlers are pure: a rewriting handler takes
 * the module's configuration and returns the new one; an appending handler returns the entry to
 * append to one list of it, which the worker appends on the server, so a batch writes what it adds
 * instead of the module's whole history. Either throws a HandlerError whose message is shown in
 * the propagation log. Rewriting handlers are idempotent per change (an entry carrying the change
 * id is not added twice), a second guard next to propagation_log's unique key; appended entries
 * are written in the transaction that inserts the (change, dashboard) log row, so the unique key
 * alone admits each once.
 */

export const CAPABILITIES = ['file_write', 'network_http', 'git_commit'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export class HandlerError extends Error {
  override name = 'HandlerError';
}

export interface PropagatedChange {
  id: string;
  changeType: string;
  payload: unknown;
  sourceModuleId: string | null;
}

interface HandlerBase {
  /** `propagation_type` in the log. */
  action: string;
  /** Checked in `capabilities` for the receiving module before the handler runs. */
  capability?: Capability;
}

export interface RewritingHandler extends HandlerBase {
  apply(configuration: Record<string, unknown>, change: PropagatedChange, now: string): Record<string, unknown>;
}

/** Only ever appends to `configuration[appendsTo]`, a list that grows with every change received. */
export interface AppendingHandler extends HandlerBase {
  appendsTo: string;
  entry(change: PropagatedChange, now: string): Record<string, unknown>;
}

export type ModuleHandler = RewritingHandler | AppendingHandler;

/** Entries kept in an unknown module type's inbox: the change itself stays in the Bin. */
export const INBOX_LIMIT = 100;

const field = (payload: unknown, ...names: string[]): unknown => {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  for (const name of names) {
    const value = (payload as Record<string, unknown>)[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
};
const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value.trim().slice(0, 1000) || undefined
    : typeof value === 'number'
      ? String(value)
      : undefined;
const list = (configuration: Record<string, unknown>, key: string): unknown[] => {
  const value = configuration[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HandlerError(`The module's configuration.${key} is not a list.`);
  // A copy: handlers never change the configuration they were given.
  return [...value];
};
const carries = (entry: unknown, changeId: string) =>
  entry !== null && typeof entry === 'object' && (entry as { changeId?: unknown }).changeId === changeId;

/** Checklist: tick the item the change names, or add it when the list does not have it. */
const checklist: RewritingHandler = {
  action: 'checklist.item',
  apply(configuration, change) {
    const itemText = text(field(change.payload, 'item', 'text', 'title', 'name')) ?? change.changeType;
    const done = field(change.payload, 'done');
    const items = list(configuration, 'items').map((i) => i as { text?: unknown; done?: unknown });
    const key = itemText.toLowerCase();
    const index = items.findIndex((i) => typeof i?.text === 'string' && i.text.trim().toLowerCase() === key);
    if (index >= 0) {
      items[index] = { ...items[index], done: typeof done === 'boolean' ? done : true };
    } else {
      if (items.some((i) => carries(i, change.id))) return configuration;
      items.push({ text: itemText, done: typeof done === 'boolean' ? done : false, changeId: change.id } as never);
    }
    return { ...configuration, items };
  },
};

/** Decision log: a new entry linked to the change and the module it came from. */
const decisionLog: AppendingHandler = {
  action: 'decision_log.entry',
  appendsTo: 'entries',
  entry(change, now) {
    const title = text(field(change.payload, 'title', 'decision', 'summary', 'name')) ?? change.changeType;
    const body = text(field(change.payload, 'rationale', 'description', 'text'));
    return {
      title,
      ...(body ? { text: body } : {}),
      changeId: change.id,
      changeType: change.changeType,
      sourceModuleId: change.sourceModuleId,
      at: now,
    };
  },
};

/**
 * File manager: pin the file the change names. A file manager opens and edits the files it
 * holds, so pinning one needs the module's `file_write` capability.
 */
const fileManager: RewritingHandler = {
  action: 'file_manager.pin',
  capability: 'file_write',
  apply(configuration, change, now) {
    const path = text(field(change.payload, 'path', 'file', 'filePath'));
    if (!path) throw new HandlerError('The change names no file (payload.path) to pin.');
    const files = list(configuration, 'files');
    const index = files.findIndex((f) => f === path || (f as { path?: unknown } | null)?.path === path);
    if (index >= 0) {
      const existing = files[index];
      files[index] = typeof existing === 'string' ? { path, pinned: true } : { ...(existing as object), pinned: true };
    } else {
      files.push({ path, pinned: true, pinnedAt: now, changeId: change.id });
    }
    return { ...configuration, files };
  },
};

/** Any other module type: the change lands in its inbox (newest INBOX_LIMIT kept). */
const inbox: RewritingHandler = {
  action: 'inbox.append',
  apply(configuration, change, now) {
    const entries = list(configuration, 'inbox');
    if (entries.some((e) => carries(e, change.id))) return configuration;
    entries.push({ changeId: change.id, changeType: change.changeType, payload: change.payload, receivedAt: now });
    return { ...configuration, inbox: entries.slice(-INBOX_LIMIT) };
  },
};

const HANDLERS: Record<string, ModuleHandler> = {
  checklist,
  decision_log: decisionLog,
  file_manager: fileManager,
};

export function handlerFor(moduleType: string): ModuleHandler {
  return HANDLERS[moduleType] ?? inbox;
}

/** The module types whose handler appends, with the configuration key each appends to. */
export const APPENDED_KEYS: ReadonlyArray<{ moduleType: string; key: string }> = Object.entries(HANDLERS).flatMap(
  ([moduleType, handler]) => ('appendsTo' in handler ? [{ moduleType, key: handler.appendsTo }] : []),
);
