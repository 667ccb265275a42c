import type { CompiledGuardrail, Severity } from './guardrails.js';
import { leaves } from './json-path.js';
import {
  checkLeaves,
  type CompiledStandard,
  type EnforcementLevel,
  type Finding,
  type StandardCategory,
} from './standards.js';

export type RuleStatus = 'pass' | 'warn' | 'fail';

/** One line of `validation_results.rules`: every guardrail and standard, with its verdict. */
export interface RuleResult {
  type: 'guardrail' | 'standard';
  id: string;
  /** The guardrail's rule_id or the standard's name. */
  name: string;
  status: RuleStatus;
  message: string;
  kind?: string;
  severity?: Severity;
  level?: EnforcementLevel;
  path?: string;
  findings?: Finding[];
}

/** What `sync_buffer.validation_results` holds. */
export interface ValidationResults {
  outcome: 'validated' | 'rejected';
  /** Validated with warnings (or auto-propagation off): waits for approval in the Bin. */
  requiresApproval: boolean;
  summary: string;
  rules: RuleResult[];
  /** A manual rejection or a worker that gave up. */
  review?: { by: string; at: string; decision: 'rejected'; reason: string };
}

/**
 * A rule that passed without a path or findings, as stored: `[type, id, name, kind, severity,
 * message]` for a guardrail, `[type, id, name, level, message]` for a standard. Every change lists
 * every rule, and most pass: stored as objects, their keys were most of the column's size.
 */
type StoredPass =
  | [type: 'guardrail', id: string, name: string, kind: string, severity: Severity, message: string]
  | [type: 'standard', id: string, name: string, level: EnforcementLevel, message: string];

/** What the worker writes to `sync_buffer.validation_results`; `readResults` turns it back. */
export interface StoredValidationResults extends Omit<ValidationResults, 'rules'> {
  rules: Array<RuleResult | StoredPass>;
}

export function storedResults(results: ValidationResults): StoredValidationResults {
  return {
    ...results,
    rules: results.rules.map((r): RuleResult | StoredPass => {
      if (r.status !== 'pass' || r.path !== undefined || r.findings !== undefined) return r;
      if (r.type === 'guardrail' && r.kind !== undefined && r.severity !== undefined && r.level === undefined) {
        return ['guardrail', r.id, r.name, r.kind, r.severity, r.message];
      }
      if (r.type === 'standard' && r.level !== undefined && r.kind === undefined && r.severity === undefined) {
        return ['standard', r.id, r.name, r.level, r.message];
      }
      return r;
    }),
  };
}

/** `validation_results` as stored (compact passes or, before 1.2.0's worker change, objects only) to the full list. */
export function readResults(stored: StoredValidationResults | ValidationResults | null): ValidationResults | null {
  if (!stored) return null;
  return {
    ...stored,
    rules: stored.rules.map((r): RuleResult => {
      if (!Array.isArray(r)) return r;
      if (r[0] === 'guardrail') {
        const [type, id, name, kind, severity, message] = r;
        return { type, id, name, kind, severity, status: 'pass', message };
      }
      const [type, id, name, level, message] = r;
      return { type, id, name, level, status: 'pass', message };
    }),
  };
}

export interface RuleSet {
  guardrails: CompiledGuardrail[];
  standards: CompiledStandard[];
}

export interface ViolationDraft {
  standardId: string;
  path: string;
  value: string;
  suggestedFix: string | null;
}

export interface Validation {
  results: ValidationResults;
  /** The payload to store: with secrets redacted when a secret scan found any. */
  payload: unknown;
  redacted: boolean;
  violations: ViolationDraft[];
}

const MAX_VALUE_CHARS = 500;
const clip = (text: string) => (text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text);

/**
 * Runs every guardrail and standard over one change. Guardrails first, so a secret scan redacts
 * the payload before standards copy values into violations. Pure: no I/O.
 */
export function validateChange(
  change: { changeType: string; payload: unknown; bytes: number },
  rules: RuleSet,
): Validation {
  const results: RuleResult[] = [];
  let payload = change.payload;
  let redacted = false;
  // Walked once and shared by every rule; again only after a redaction changed the payload.
  let payloadLeaves = leaves(payload);

  for (const guardrail of rules.guardrails) {
    const { row } = guardrail;
    const base = {
      type: 'guardrail' as const,
      id: row.id,
      name: row.ruleId,
      kind: guardrail.kind,
      severity: row.severity,
    };
    if (!guardrail.appliesTo(change.changeType)) {
      results.push({ ...base, status: 'pass', message: 'Not applicable to this change type.' });
      continue;
    }
    const outcome = guardrail.evaluate({
      changeType: change.changeType,
      payload,
      bytes: change.bytes,
      leaves: payloadLeaves,
    });
    if (outcome.redactedPayload !== undefined) {
      payload = outcome.redactedPayload;
      payloadLeaves = leaves(payload);
      redacted = true;
    }
    // auto_reject rejects at any severity (the seeded HIGH max-size rule relies on it); other
    // failures are warnings that wait for approval.
    const status: RuleStatus = outcome.passed ? 'pass' : row.autoReject ? 'fail' : 'warn';
    results.push({ ...base, status, message: outcome.message, ...(outcome.path ? { path: outcome.path } : {}) });
  }

  const violations: ViolationDraft[] = [];
  for (const standard of rules.standards) {
    const { row } = standard;
    const base = { type: 'standard' as const, id: row.id, name: row.standardName, level: row.enforcementLevel };
    if (standard.problem) {
      results.push({ ...base, status: 'warn', message: `The standard cannot run: ${standard.problem}` });
      continue;
    }
    const { checked, findings } = checkLeaves(standard, payloadLeaves);
    if (findings.length === 0) {
      const message = checked === 0 ? 'No field to check.' : `${checked} field(s) comply.`;
      results.push({ ...base, status: 'pass', message });
      continue;
    }
    const clipped = findings.map((f) => ({ ...f, value: clip(f.value) }));
    for (const f of clipped) violations.push({ standardId: row.id, ...f });
    const where = clipped
      .map((f) => (f.suggestedFix === null ? f.path : `${f.path} (fix: ${f.suggestedFix})`))
      .join(', ');
    const reason = row.validationMessage ?? `Values must match ${row.patternRegex}`;
    const level = row.enforcementLevel;
    results.push({
      ...base,
      status: level === 'error' ? 'fail' : level === 'warning' ? 'warn' : 'pass',
      message: `${level === 'info' ? 'Note: ' : ''}${reason}: ${where}.`,
      path: clipped[0]!.path,
      findings: clipped,
    });
  }

  const failed = results.filter((r) => r.status === 'fail');
  const warned = results.filter((r) => r.status === 'warn');
  const outcome = failed.length > 0 ? 'rejected' : 'validated';
  const summary =
    outcome === 'rejected'
      ? `Rejected by ${failed.map((r) => (r.severity ? `${r.name} (${r.severity})` : r.name)).join(', ')}.`
      : warned.length > 0
        ? `Validated with ${warned.length} warning(s): ${warned.map((r) => r.name).join(', ')}.`
        : 'Validated.';
  return {
    results: { outcome, requiresApproval: outcome === 'validated' && warned.length > 0, summary, rules: results },
    payload,
    redacted,
    violations,
  };
}
