import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import picomatch from 'picomatch';
import type { RE2JS } from 're2js';
import * as z from 'zod';
import type { Db } from '../../db/connection.js';
import { enforcementLevels, metadataStandards, standardCategories } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import { suggestFileName, suggestName, suggestTimestamp, suggestVersion } from './fixes.js';
import { driverCode, parseInput } from './input.js';
import type { Leaf } from './json-path.js';
import { compilePattern } from './regex.js';
import { remembered } from './remembered.js';

export type StandardCategory = (typeof standardCategories)[number];
export type EnforcementLevel = (typeof enforcementLevels)[number];

/**
 * What a standard checks when `applies_to` is NULL: the key conventions of its category.
 * `@file` = file names (the last segment of `path`-like payload values, workspace files),
 * `@tag` = git tags.
 */
export const DEFAULT_TARGETS: Record<StandardCategory, string> = {
  temporal: '*_at,*At,timestamp,date',
  nomenclature: 'name,*_name,@file',
  versioning: 'version,*_version,@tag',
};

/** Payload keys whose values are file paths (checked by their file name under `@file`). */
const PATH_KEY = remembered(picomatch(['path', 'file', '*_path', '*Path', '*_file', 'filePath', 'files', 'paths']));
const KEY_GLOB = /^[A-Za-z0-9_*?.\-[\]]{1,100}$/;

export interface Targets {
  text: string;
  key: (key: string) => boolean;
  file: boolean;
  tag: boolean;
}

export function parseTargets(
  text: string | null | undefined,
  category: StandardCategory,
  field = 'appliesTo',
): Targets {
  const source = text?.trim() ? text : DEFAULT_TARGETS[category];
  const entries = source
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const globs: string[] = [];
  let file = false;
  let tag = false;
  for (const entry of entries) {
    if (entry === '@file') file = true;
    else if (entry === '@tag') tag = true;
    else if (KEY_GLOB.test(entry)) globs.push(entry);
    else throw invalid(`${field}: "${entry}" is neither a key glob (e.g. *_at) nor @file / @tag.`, field);
  }
  const matcher = globs.length > 0 ? remembered(picomatch(globs)) : () => false;
  return { text: entries.join(','), key: matcher, file, tag };
}

export interface StandardRow {
  id: string;
  standardName: string;
  category: StandardCategory;
  patternRegex: string;
  validationMessage: string | null;
  enforcementLevel: EnforcementLevel;
  isActive: boolean;
  appliesTo: string | null;
}

export interface CompiledStandard {
  row: StandardRow;
  regex: RE2JS | null;
  targets: Targets | null;
  /** Why the stored standard cannot run (a pattern inserted around createStandard). */
  problem?: string;
}

const compiledStandards = new Map<string, CompiledStandard>();

export function compileStandard(row: StandardRow): CompiledStandard {
  const cacheKey = `${row.id}\u0000${row.patternRegex}\u0000${row.appliesTo ?? ''}\u0000${row.category}`;
  const cached = compiledStandards.get(cacheKey);
  if (cached) return { ...cached, row };
  let result: CompiledStandard;
  try {
    result = {
      row,
      regex: compilePattern(row.patternRegex, 'patternRegex'),
      targets: parseTargets(row.appliesTo, row.category),
    };
  } catch (error) {
    result = { row, regex: null, targets: null, problem: (error as Error).message };
  }
  if (compiledStandards.size > 1000) compiledStandards.clear();
  compiledStandards.set(cacheKey, result);
  return result;
}

export type CheckedAs = 'value' | 'file' | 'tag';

export interface ValueCheck {
  ok: boolean;
  suggestedFix: string | null;
}

const basename = (path: string) => path.replace(/\\/g, '/').replace(/\/+$/, '').split('/').pop() ?? path;

/** Checks one value against a standard; for `file` the file name of a path, for `tag` a git tag. */
export function checkValue(standard: CompiledStandard, value: unknown, as: CheckedAs): ValueCheck {
  const regex = standard.regex;
  if (!regex) return { ok: true, suggestedFix: null };
  const { category } = standard.row;
  const raw = typeof value === 'number' ? String(value) : value;
  if (typeof raw !== 'string') return { ok: true, suggestedFix: null };
  // Release tags are conventionally `v1.2.3`: the version is what follows the `v`.
  const tagPrefix = as === 'tag' && category === 'versioning' ? (/^[vV]/.exec(raw)?.[0] ?? '') : '';
  const subject = as === 'file' ? basename(raw) : raw.slice(tagPrefix.length);
  if (regex.test(subject)) return { ok: true, suggestedFix: null };

  let candidate: string | null;
  if (category === 'temporal') candidate = suggestTimestamp(value);
  else if (category === 'versioning') candidate = suggestVersion(subject);
  else candidate = as === 'file' ? suggestFileName(subject) : suggestName(subject);
  if (candidate === null || !regex.test(candidate)) return { ok: false, suggestedFix: null };
  if (as === 'file') {
    const cut = raw.length - subject.length - (/[\\/]+$/.exec(raw)?.[0].length ?? 0);
    return { ok: false, suggestedFix: raw.slice(0, Math.max(0, cut)) + candidate };
  }
  return { ok: false, suggestedFix: tagPrefix + candidate };
}

export interface Finding {
  path: string;
  value: string;
  suggestedFix: string | null;
}

/** How the leaf is checked by this standard, or null when the standard does not apply to it. */
export function leafTarget(standard: CompiledStandard, leaf: Leaf): CheckedAs | null {
  const targets = standard.targets;
  if (!targets || leaf.key === undefined) return null;
  if (leaf.value === null || typeof leaf.value === 'boolean') return null;
  if (targets.key(leaf.key)) return 'value';
  if (targets.file && typeof leaf.value === 'string' && PATH_KEY(leaf.key)) return 'file';
  return null;
}

/** The mismatches of one standard over a payload's leaves. */
export function checkLeaves(
  standard: CompiledStandard,
  payloadLeaves: Leaf[],
): { checked: number; findings: Finding[] } {
  let checked = 0;
  const findings: Finding[] = [];
  for (const leaf of payloadLeaves) {
    const as = leafTarget(standard, leaf);
    if (!as) continue;
    checked++;
    const result = checkValue(standard, leaf.value, as);
    if (!result.ok) findings.push({ path: leaf.path, value: String(leaf.value), suggestedFix: result.suggestedFix });
  }
  return { checked, findings };
}

// ---------------------------------------------------------------------------------------------
// Editing standards

const standardFields = z.object({
  standardName: z.string().trim().min(1, 'a name is required').max(100),
  category: z.enum(standardCategories),
  patternRegex: z.string().min(1, 'a pattern is required'),
  validationMessage: z.string().max(2000).nullish(),
  enforcementLevel: z.enum(enforcementLevels),
  isActive: z.boolean(),
  appliesTo: z.string().max(500).nullish(),
});

export const standardInput = standardFields.partial({ enforcementLevel: true, isActive: true }).strict();
export type StandardInput = z.input<typeof standardInput>;
export const standardPatch = standardFields.partial().strict();
export type StandardPatch = z.input<typeof standardPatch>;

/** Refuses a pattern re2js cannot compile and targets that make no sense, naming the field. */
function checkDefinition(fields: { patternRegex?: string; appliesTo?: string | null; category?: StandardCategory }) {
  if (fields.patternRegex !== undefined) compilePattern(fields.patternRegex, 'patternRegex');
  if (fields.category !== undefined) parseTargets(fields.appliesTo, fields.category);
}

const duplicateName = (error: unknown, name: string | undefined) =>
  driverCode(error) === 'ER_DUP_ENTRY'
    ? new CockpitError('conflict', `A standard named "${name}" already exists.`, 'standardName')
    : error;

export async function createStandard(db: Db, input: StandardInput, actor: string): Promise<StandardRow> {
  const fields = parseInput(standardInput, input);
  checkDefinition(fields);
  const row: StandardRow = {
    id: randomUUID(),
    standardName: fields.standardName,
    category: fields.category,
    patternRegex: fields.patternRegex,
    validationMessage: fields.validationMessage ?? null,
    enforcementLevel: fields.enforcementLevel ?? 'error',
    isActive: fields.isActive ?? true,
    appliesTo: fields.appliesTo?.trim() || null,
  };
  try {
    await audited(
      db,
      {
        userId: actor,
        action: 'standard.create',
        resourceType: 'metadata_standard',
        resourceId: row.id,
        metadata: { name: row.standardName, category: row.category },
      },
      (tx) => tx.insert(metadataStandards).values(row),
    );
  } catch (error) {
    throw duplicateName(error, row.standardName);
  }
  return row;
}

export async function updateStandard(db: Db, id: string, patch: StandardPatch, actor: string): Promise<StandardRow> {
  const fields = parseInput(standardPatch, patch);
  const current = await getStandard(db, id);
  checkDefinition({ ...current, ...fields });
  const next: StandardRow = {
    ...current,
    ...fields,
    appliesTo: fields.appliesTo === undefined ? current.appliesTo : fields.appliesTo?.trim() || null,
    validationMessage:
      fields.validationMessage === undefined ? current.validationMessage : (fields.validationMessage ?? null),
  };
  try {
    await audited(
      db,
      {
        userId: actor,
        action: 'standard.update',
        resourceType: 'metadata_standard',
        resourceId: id,
        metadata: { fields: Object.keys(fields) },
      },
      (tx) => tx.update(metadataStandards).set(next).where(eq(metadataStandards.id, id)),
    );
  } catch (error) {
    throw duplicateName(error, next.standardName);
  }
  return next;
}

export async function getStandard(db: Db, id: string): Promise<StandardRow> {
  const [row] = await db.select(standardColumns).from(metadataStandards).where(eq(metadataStandards.id, id));
  if (!row) throw notFound('Standard', id);
  return row;
}

export const standardColumns = {
  id: metadataStandards.id,
  standardName: metadataStandards.standardName,
  category: metadataStandards.category,
  patternRegex: metadataStandards.patternRegex,
  validationMessage: metadataStandards.validationMessage,
  enforcementLevel: metadataStandards.enforcementLevel,
  isActive: metadataStandards.isActive,
  appliesTo: metadataStandards.appliesTo,
};

export async function listStandards(db: Db, options: { activeOnly?: boolean } = {}): Promise<StandardRow[]> {
  const query = db.select(standardColumns).from(metadataStandards);
  const rows = await (options.activeOnly ? query.where(eq(metadataStandards.isActive, true)) : query).orderBy(
    asc(metadataStandards.category),
    asc(metadataStandards.standardName),
  );
  return rows;
}

/** Live check for an editor: does the pattern compile, and does it accept the sample? */
export function testPattern(
  pattern: string,
  sample: string,
): { ok: true; matches: boolean } | { ok: false; message: string } {
  try {
    return { ok: true, matches: compilePattern(pattern, 'patternRegex').test(sample) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
