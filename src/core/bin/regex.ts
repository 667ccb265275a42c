import { RE2JS } from 're2js';
import { invalid } from '../errors.js';

/** Longest pattern a standard or guardrail may hold: RE2 compiles in time linear in it, but memory grows. */
export const MAX_PATTERN_LENGTH = 2000;

const compiled = new Map<string, RE2JS>();
const CACHE_LIMIT = 500;

const excerpt = (pattern: string) => (pattern.length > 80 ? `${pattern.slice(0, 77)}…` : pattern);

/**
 * Compiles a user-supplied pattern with re2js: matching runs in time linear in the input, so no
 * pattern can hang the extension host. RE2 has no backreferences or lookaround; a pattern that
 * needs them is refused with RE2's reason. `field` names the setting in the error.
 */
export function compilePattern(pattern: unknown, field: string): RE2JS {
  if (typeof pattern !== 'string' || pattern.length === 0) throw invalid(`${field}: a pattern is required.`, field);
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw invalid(`${field}: the pattern is ${pattern.length} characters; at most ${MAX_PATTERN_LENGTH}.`, field);
  }
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(
      `${field}: the pattern "${excerpt(pattern)}" cannot be used (${reason}). Patterns use RE2 syntax: no backreferences or lookaround.`,
      field,
    );
  }
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, regex);
  return regex;
}

/** Whether `pattern` matches anywhere in `text` (anchor with ^…$ for a whole-value match). */
export function patternFinds(regex: RE2JS, text: string): boolean {
  return regex.test(text);
}
