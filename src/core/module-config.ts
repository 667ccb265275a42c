/**
 * Typed `modules.configuration` per `module_type`. Known types are validated on every write (the
 * error names the field); unknown types — written by a newer version, another tool or by hand — are
 * kept as they are and shown read-only, never dropped or rewritten.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { CockpitError, invalid, parseJsonText } from './errors.js';

/** ISO 8601 UTC with a Z suffix (the `ts-001-zulu` standard): 2026-01-01T14:30:45.123456Z. */
export const ZULU = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const zulu = z.string().regex(ZULU, 'must be an ISO 8601 UTC timestamp ending in Z (2026-01-01T14:30:45Z)');
export const nowZulu = () => new Date().toISOString();

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const checklistItem = z
  .object({
    text: text(500),
    done: z.boolean(),
    createdAt: zulu.optional(),
    /** When the item was last checked; absent while open. */
    doneAt: zulu.nullable().optional(),
  })
  .strict();

export const decisionStatuses = ['proposed', 'accepted', 'superseded'] as const;
export const decisionEntry = z
  .object({
    title: text(200),
    context: z.string().max(10_000, 'must be at most 10000 characters'),
    decision: z.string().max(10_000, 'must be at most 10000 characters'),
    status: z.enum(decisionStatuses),
    timestamp: zulu,
    author: text(255),
  })
  .strict();

/** A path relative to the workspace folder, with `/` separators and no way out of the folder. */
export const workspacePath = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .refine((p) => !p.includes('\0'), 'must not contain NUL characters')
  .refine((p) => !path.posix.isAbsolute(p) && !path.win32.isAbsolute(p), 'must be relative to the workspace folder')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'must not contain ".." segments')
  .refine((p) => !p.includes('\\'), 'must use / as the separator');

export const pinnedFile = z
  .object({ path: workspacePath, label: text(255).optional(), pinnedAt: zulu.optional() })
  .strict();

const limitedArray = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, `must have at most ${max} entries`);

export const moduleConfigurations = {
  checklist: z.object({ items: limitedArray(checklistItem, 500) }).strict(),
  decision_log: z.object({ entries: limitedArray(decisionEntry, 1000) }).strict(),
  file_manager: z.object({ files: limitedArray(pinnedFile, 500) }).strict(),
};

export type KnownModuleType = keyof typeof moduleConfigurations;
export type ModuleConfiguration<T extends KnownModuleType> = z.output<(typeof moduleConfigurations)[T]>;
export type ChecklistConfiguration = ModuleConfiguration<'checklist'>;
export type DecisionLogConfiguration = ModuleConfiguration<'decision_log'>;
export type FileManagerConfiguration = ModuleConfiguration<'file_manager'>;

export const KNOWN_MODULE_TYPES = Object.keys(moduleConfigurations) as KnownModuleType[];

export function isKnownModuleType(type: string): type is KnownModuleType {
  return Object.hasOwn(moduleConfigurations, type);
}

/** The configuration a new module of `type` starts with. */
export function emptyConfiguration(type: KnownModuleType): ModuleConfiguration<KnownModuleType> {
  switch (type) {
    case 'checklist':
      return { items: [] };
    case 'decision_log':
      return { entries: [] };
    case 'file_manager':
      return { files: [] };
  }
}

/** Turns a zod failure into one CockpitError naming the first offending field. */
export function zodToCockpit(error: z.ZodError, root: string): CockpitError {
  const issue = error.issues[0];
  const field = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return invalid(`${field}: ${issue?.message ?? 'invalid'}`, field);
}

/**
 * Validates a configuration for a known module type. Accepts a JSON string too (from the CLI or a
 * text box): bad JSON is refused with the parser's reason.
 */
export function parseConfiguration<T extends KnownModuleType>(type: T, value: unknown): ModuleConfiguration<T> {
  const candidate = typeof value === 'string' ? parseJsonText(value, 'configuration', 'configuration') : value;
  const result = moduleConfigurations[type].safeParse(candidate);
  if (!result.success) throw zodToCockpit(result.error, 'configuration');
  return result.data as ModuleConfiguration<T>;
}

/** How a stored module is shown: typed when known and valid, else its raw JSON, read-only. */
export type ModuleContent =
  | { kind: 'checklist'; configuration: ChecklistConfiguration }
  | { kind: 'decision_log'; configuration: DecisionLogConfiguration }
  | { kind: 'file_manager'; configuration: FileManagerConfiguration }
  | { kind: 'read-only'; raw: string; reason: string };

export function describeContent(type: string, configuration: unknown): ModuleContent {
  const raw = () => JSON.stringify(configuration, null, 2) ?? 'null';
  if (!isKnownModuleType(type)) {
    return { kind: 'read-only', raw: raw(), reason: `Module type "${type}" is not known to this version.` };
  }
  const result = moduleConfigurations[type].safeParse(configuration);
  if (!result.success) {
    return { kind: 'read-only', raw: raw(), reason: zodToCockpit(result.error, 'configuration').message };
  }
  return { kind: type, configuration: result.data } as ModuleContent;
}

/**
 * Resolves a file the user wants to pin or open inside `folder`: relative or absolute input,
 * refused when it leaves the folder — by `..`, by an absolute path elsewhere, or through a
 * symlink whose target lies outside. Returns the path relative to the folder (with `/`).
 */
export async function confineToFolder(folder: string, input: string): Promise<{ relative: string; absolute: string }> {
  const trimmed = input.trim();
  const root = path.resolve(folder);
  let relative = trimmed;
  if (path.isAbsolute(trimmed)) {
    relative = path.relative(root, path.resolve(trimmed));
    if (isOutside(relative)) {
      throw new CockpitError('forbidden', 'path: the file is outside the workspace folder.', 'path');
    }
  }
  relative = relative.split(path.sep).join('/');
  const checked = workspacePath.safeParse(relative);
  if (!checked.success) throw zodToCockpit(checked.error, 'path');
  const absolute = path.join(root, relative);
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(absolute), realpath(root)]);
  } catch {
    throw new CockpitError('not-found', `path: ${relative} does not exist in the workspace folder.`, 'path');
  }
  const inside = path.relative(realRoot, real);
  if (isOutside(inside)) {
    throw new CockpitError(
      'forbidden',
      `path: ${relative} leads outside the workspace folder (symbolic link).`,
      'path',
    );
  }
  return { relative, absolute };
}

/** For a path.relative() result: the folder itself or anything above or beside it. */
const isOutside = (relative: string) =>
  relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
