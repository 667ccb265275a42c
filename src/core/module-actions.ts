/**
 * What the module cards do: check items, log decisions, pin files. Each action changes one
 * module's configuration under its row lock (no lost updates between windows), is validated,
 * audited and versioned. Items are addressed by index plus their text/title, so an edit aimed at
 * an entry that another window changed meanwhile is refused instead of hitting the wrong one.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { modules } from '../db/schema/index.js';
import { CockpitError, notFound } from './errors.js';
import { changeModuleConfiguration } from './hierarchy.js';
import { confineToFolder, decisionStatuses, nowZulu, parseConfiguration } from './module-config.js';

export type DecisionStatus = (typeof decisionStatuses)[number];

function entryAt<T>(list: T[], index: number, matches: (entry: T) => boolean, what: string): T {
  const entry = list[index];
  if (entry === undefined || !matches(entry)) {
    throw new CockpitError(
      'conflict',
      `The ${what} changed meanwhile (another window or the CLI); refresh and try again.`,
    );
  }
  return entry;
}

export function addChecklistItem(db: Db, actor: string, moduleId: string, text: string) {
  return changeModuleConfiguration(db, actor, moduleId, 'checklist', 'module.checklist.add', (c) => ({
    configuration: { items: [...c.items, { text, done: false, createdAt: nowZulu() }] },
    description: `Added item "${text.trim().slice(0, 80)}"`,
  }));
}

export function setChecklistItemDone(
  db: Db,
  actor: string,
  moduleId: string,
  item: { index: number; text: string },
  done: boolean,
) {
  return changeModuleConfiguration(db, actor, moduleId, 'checklist', 'module.checklist.check', (c) => {
    entryAt(c.items, item.index, (i) => i.text === item.text, 'checklist');
    const items = c.items.map((i, n) => (n === item.index ? { ...i, done, doneAt: done ? nowZulu() : null } : i));
    return { configuration: { items }, description: `${done ? 'Checked' : 'Unchecked'} "${item.text.slice(0, 80)}"` };
  });
}

export function removeChecklistItem(db: Db, actor: string, moduleId: string, item: { index: number; text: string }) {
  return changeModuleConfiguration(db, actor, moduleId, 'checklist', 'module.checklist.remove', (c) => {
    entryAt(c.items, item.index, (i) => i.text === item.text, 'checklist');
    return {
      configuration: { items: c.items.filter((_, n) => n !== item.index) },
      description: `Removed item "${item.text.slice(0, 80)}"`,
    };
  });
}

export function addDecision(
  db: Db,
  actor: string,
  moduleId: string,
  input: { title: string; context: string; decision: string; status: DecisionStatus },
) {
  return changeModuleConfiguration(db, actor, moduleId, 'decision_log', 'module.decision.add', (c) => ({
    // Fields picked one by one: callers may pass a wider object (the panel passes its request params).
    configuration: {
      entries: [
        ...c.entries,
        {
          title: input.title,
          context: input.context,
          decision: input.decision,
          status: input.status,
          timestamp: nowZulu(),
          author: actor,
        },
      ],
    },
    description: `Logged decision "${input.title.trim().slice(0, 80)}"`,
  }));
}

export function setDecisionStatus(
  db: Db,
  actor: string,
  moduleId: string,
  entry: { index: number; title: string },
  status: DecisionStatus,
) {
  return changeModuleConfiguration(db, actor, moduleId, 'decision_log', 'module.decision.status', (c) => {
    entryAt(c.entries, entry.index, (e) => e.title === entry.title, 'decision log');
    return {
      configuration: { entries: c.entries.map((e, n) => (n === entry.index ? { ...e, status } : e)) },
      description: `Marked "${entry.title.slice(0, 80)}" ${status}`,
    };
  });
}

/** Pins a file of `folder`; `path` may be relative to it or absolute inside it. */
export async function pinFile(db: Db, actor: string, moduleId: string, folder: string, path: string) {
  return changeModuleConfiguration(db, actor, moduleId, 'file_manager', 'module.file.pin', async (c) => {
    const { relative } = await confineToFolder(folder, path);
    if (c.files.some((f) => f.path === relative)) {
      throw new CockpitError('conflict', `path: ${relative} is already pinned.`, 'path');
    }
    return {
      configuration: { files: [...c.files, { path: relative, pinnedAt: nowZulu() }] },
      description: `Pinned ${relative}`,
    };
  });
}

export function unpinFile(db: Db, actor: string, moduleId: string, path: string) {
  return changeModuleConfiguration(db, actor, moduleId, 'file_manager', 'module.file.unpin', (c) => {
    if (!c.files.some((f) => f.path === path))
      throw new CockpitError('conflict', `path: ${path} is not pinned.`, 'path');
    return { configuration: { files: c.files.filter((f) => f.path !== path) }, description: `Unpinned ${path}` };
  });
}

/**
 * The absolute path of a file pinned in `moduleId`, checked again against `folder` (a symlink may
 * have changed since it was pinned). Only pinned files can be opened this way.
 */
export async function pinnedFileLocation(db: Db, moduleId: string, folder: string, path: string): Promise<string> {
  const [row] = await db.select().from(modules).where(eq(modules.id, moduleId));
  if (!row) throw notFound('Module', moduleId);
  if (row.moduleType !== 'file_manager') throw new CockpitError('invalid', `Module ${moduleId} is not a file manager.`);
  const { files } = parseConfiguration('file_manager', row.configuration);
  if (!files.some((f) => f.path === path))
    throw new CockpitError('not-found', `path: ${path} is not pinned here.`, 'path');
  return (await confineToFolder(folder, path)).absolute;
}
