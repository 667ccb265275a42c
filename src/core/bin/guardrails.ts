import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import picomatch from 'picomatch';
import type { RE2JS } from 're2js';
import * as z from 'zod';
import type { Db } from '../../db/connection.js';
import { guardrails, guardrailSeverities, projects } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { invalid, notFound } from '../errors.js';
import { parseInput } from './input.js';
import { leaves, parseJsonPath, selectJsonPath, withValueAt, type Leaf, type PathSegment } from './json-path.js';
import { compilePattern } from './regex.js';
import { remembered } from './remembered.js';

export type Severity = (typeof guardrailSeverities)[number];
export const GUARDRAIL_KINDS = [
  'secret_scan',
  'max_size',
  'json_schema',
  'protected_paths',
  'regex_deny',
  'regex_require',
] as const;
export type GuardrailKind = (typeof GUARDRAIL_KINDS)[number];

/** Every kind may be limited to some change types (globs such as `decision.*`). */
const changeTypes = z.array(z.string().min(1).max(100)).max(50).optional();
const pattern = z.string().min(1).max(2000);

export const guardrailConfiguration = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('secret_scan'), changeTypes, patterns: z.array(pattern).max(50).optional() }).strict(),
  z.object({ kind: z.literal('max_size'), changeTypes, maxBytes: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('json_schema'), changeTypes, schema: z.record(z.string(), z.unknown()) }).strict(),
  z
    .object({
      kind: z.literal('protected_paths'),
      changeTypes,
      globs: z.array(z.string().min(1).max(500)).min(1).max(200),
      /** JSON paths of the values to check; by default every value under a path-like key. */
      paths: z.array(z.string().min(1).max(500)).max(50).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('regex_deny'), changeTypes, path: z.string().min(1).max(500), pattern }).strict(),
  z.object({ kind: z.literal('regex_require'), changeTypes, path: z.string().min(1).max(500), pattern }).strict(),
]);
export type GuardrailConfiguration = z.infer<typeof guardrailConfiguration>;

export interface GuardrailRow {
  id: string;
  projectId: string | null;
  ruleId: string;
  description: string;
  severity: Severity;
  autoReject: boolean | null;
  configuration: unknown;
  enabled: boolean | null;
}

export interface ChangeUnderTest {
  changeType: string;
  payload: unknown;
  /** UTF-8 size of the payload's JSON. */
  bytes: number;
  /** `leaves(payload)` when the caller has them already (computed once per change). */
  leaves?: Leaf[];
}

export interface GuardrailOutcome {
  passed: boolean;
  message: string;
  path?: string;
  /** secret_scan: the payload with every secret replaced. */
  redactedPayload?: unknown;
}

export interface CompiledGuardrail {
  row: GuardrailRow;
  kind: GuardrailKind | 'invalid';
  appliesTo(changeType: string): boolean;
  evaluate(change: ChangeUnderTest): GuardrailOutcome;
}

// ---------------------------------------------------------------------------------------------
// Rule kinds

/** Known credential shapes (RE2 syntax). Messages name the kind, never the secret. */
const SECRET_PATTERNS: Array<[string, string]> = [
  ['AWS access key', String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`],
  ['private key', String.raw`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----`],
  ['GitHub token', String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`],
  ['Slack token', String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`],
  ['AI provider API key', String.raw`\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}`],
  ['Google API key', String.raw`\bAIza[0-9A-Za-z_-]{35}\b`],
  ['Stripe key', String.raw`\b[rs]k_live_[0-9a-zA-Z]{24,}`],
  ['JSON Web Token', String.raw`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`],
  [
    'credential assignment',
    String.raw`(?i)\b(?:api[_-]?key|secret|access[_-]?token|auth[_-]?token|passw(?:or)?d)\b\s*[:=]\s*['"]?[A-Za-z0-9/+_.\-]{12,}`,
  ],
];
/** Keys whose string value is a secret whatever it looks like. */
const SECRET_KEY = remembered(
  picomatch(
    [
      'password',
      'passwd',
      'secret',
      '*_secret',
      '*Secret',
      'api_key',
      'apiKey',
      'api-key',
      '*_token',
      '*Token',
      'token',
      'private_key',
      'privateKey',
    ],
    { nocase: true },
  ),
);

interface SecretMatcher {
  any: RE2JS;
  each: Array<[string, RE2JS]>;
}
const secretMatchers = new Map<string, SecretMatcher>();

function secretMatcher(extra: string[]): SecretMatcher {
  const key = extra.join('\u0000');
  let matcher = secretMatchers.get(key);
  if (!matcher) {
    const each: Array<[string, RE2JS]> = [
      ...SECRET_PATTERNS.map(([name, p]): [string, RE2JS] => [name, compilePattern(p, 'secret pattern')]),
      ...extra.map((p, i): [string, RE2JS] => ['configured secret pattern', compilePattern(p, `patterns.${i}`)]),
    ];
    const any = compilePattern(each.map(([, r]) => `(?:${r.pattern()})`).join('|'), 'secret pattern');
    matcher = { any, each };
    secretMatchers.set(key, matcher);
  }
  return matcher;
}

function scanSecrets(payload: unknown, payloadLeaves: Leaf[], extra: string[]): GuardrailOutcome {
  const matcher = secretMatcher(extra);
  const found: Array<{ path: string; kind: string }> = [];
  let redacted = payload;
  for (const leaf of payloadLeaves) {
    if (typeof leaf.value !== 'string' || leaf.value.length === 0) continue;
    if (leaf.key !== undefined && SECRET_KEY(leaf.key) && leaf.value.length >= 8) {
      found.push({ path: leaf.path, kind: `value of "${leaf.key}"` });
      redacted = withValueAt(redacted, leaf.trail, '[REDACTED]');
      continue;
    }
    if (!matcher.any.test(leaf.value)) continue;
    let text = leaf.value;
    for (const [kind, regex] of matcher.each) {
      if (!regex.test(text)) continue;
      found.push({ path: leaf.path, kind });
      text = regex.matcher(text).replaceAll(() => `[REDACTED ${kind}]`);
    }
    redacted = withValueAt(redacted, leaf.trail, text);
  }
  if (found.length === 0) return { passed: true, message: 'No credentials found.' };
  const first = found[0]!;
  const more = found.length > 1 ? ` and ${found.length - 1} more` : '';
  return {
    passed: false,
    path: first.path,
    message: `Possible ${first.kind} at ${first.path}${more}; the stored payload is redacted.`,
    redactedPayload: redacted,
  };
}

/** ajv with re2js for `pattern` / `patternProperties`: a schema's regexes cannot hang the host either. */
function createAjv(): Ajv {
  const regExp = Object.assign((source: string) => compilePattern(source, 'schema pattern'), { code: 're2js' });
  // Formats (date-time, …) need ajv-formats; they are not validated rather than refused.
  // Unknown keywords are refused (typos); type and `required` hints are not (valid schemas use them).
  return new Ajv({
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    logger: false,
    code: { regExp },
  });
}
let ajv: Ajv | undefined;
const schemaValidators = new Map<string, ValidateFunction>();

function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = schemaValidators.get(key);
  if (!validate) {
    ajv ??= createAjv();
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw invalid(
        `configuration.schema: not a usable JSON Schema (${(error as Error).message}).`,
        'configuration.schema',
      );
    }
    if (schemaValidators.size > 500) schemaValidators.clear();
    schemaValidators.set(key, validate);
  }
  return validate;
}

/** Values under path-like keys (`path`, `file`, `*_path`, `files`, …) when no paths are configured. */
const PATH_KEYS = remembered(picomatch(['path', 'file', 'paths', 'files', '*_path', '*Path', '*_file', 'filePath']));

function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

const compiledGuardrails = new Map<string, CompiledGuardrail>();

/**
 * The compiled form of a row, or a rule that reports why its configuration is unusable. Cached per
 * rule version (id + configuration): the worker loads the rules every batch, and compiling them
 * (zod, re2js, ajv) costs more than validating a batch.
 */
export function compileGuardrail(row: GuardrailRow): CompiledGuardrail {
  const cacheKey = `${row.id}\u0000${JSON.stringify(row.configuration)}`;
  const cached = compiledGuardrails.get(cacheKey);
  if (cached) return { ...cached, row };
  const compiled = compileConfiguration(row);
  if (compiledGuardrails.size > 1000) compiledGuardrails.clear();
  compiledGuardrails.set(cacheKey, compiled);
  return compiled;
}

function compileConfiguration(row: GuardrailRow): CompiledGuardrail {
  let config: GuardrailConfiguration;
  try {
    config = checkConfiguration(row.configuration);
  } catch (error) {
    const message = `The rule's configuration is unusable: ${(error as Error).message}`;
    return { row, kind: 'invalid', appliesTo: () => true, evaluate: () => ({ passed: false, message }) };
  }
  const typeFilter = config.changeTypes?.length ? remembered(picomatch(config.changeTypes)) : () => true;
  const base = { row, kind: config.kind, appliesTo: (changeType: string) => typeFilter(changeType) };
  switch (config.kind) {
    case 'secret_scan': {
      const extra = config.patterns ?? [];
      return {
        ...base,
        evaluate: (change) => scanSecrets(change.payload, change.leaves ?? leaves(change.payload), extra),
      };
    }
    case 'max_size':
      return {
        ...base,
        evaluate: ({ bytes }) =>
          bytes <= config.maxBytes
            ? { passed: true, message: `${bytes} bytes.` }
            : { passed: false, message: `The payload is ${bytes} bytes; the limit is ${config.maxBytes}.` },
      };
    case 'json_schema': {
      const validate = compileSchema(config.schema);
      return {
        ...base,
        evaluate: ({ payload }) => {
          if (validate(payload)) return { passed: true, message: 'Matches the schema.' };
          const error = validate.errors?.[0];
          const where = error?.instancePath ? `$${error.instancePath.replace(/\//g, '.')}` : '$';
          return {
            passed: false,
            path: where,
            message: `The payload does not match the schema: ${where} ${error?.message ?? 'is invalid'}.`,
          };
        },
      };
    }
    case 'protected_paths': {
      const isProtected = picomatch(config.globs, { dot: true });
      const selectors = config.paths?.map((p, i) => parseJsonPath(p, `configuration.paths.${i}`));
      return {
        ...base,
        evaluate: ({ payload, leaves: known }) => {
          const candidates = selectors
            ? selectors.flatMap((s) => selectJsonPath(payload, s))
            : (known ?? leaves(payload))
                .filter((l) => l.key !== undefined && PATH_KEYS(l.key))
                .map((l) => ({ path: l.path, value: l.value }));
          for (const { path, value } of candidates) {
            if (typeof value !== 'string') continue;
            const normalized = normalizePath(value);
            if (isProtected(normalized) || isProtected(normalized.replace(/^\/+/, ''))) {
              return { passed: false, path, message: `${path} touches the protected path "${value}".` };
            }
          }
          return { passed: true, message: `${candidates.length} path(s) checked.` };
        },
      };
    }
    case 'regex_deny':
    case 'regex_require': {
      const regex = compilePattern(config.pattern, 'configuration.pattern');
      const selector: PathSegment[] = parseJsonPath(config.path, 'configuration.path');
      const deny = config.kind === 'regex_deny';
      return {
        ...base,
        evaluate: ({ payload }) => {
          const values = selectJsonPath(payload, selector).filter(
            (v) => typeof v.value === 'string' || typeof v.value === 'number',
          );
          if (values.length === 0) {
            return deny
              ? { passed: true, message: `No value at ${config.path}.` }
              : { passed: false, path: config.path, message: `${config.path} is required and missing.` };
          }
          for (const { path, value } of values) {
            const matches = regex.test(String(value));
            if (deny && matches) return { passed: false, path, message: `${path} matches the denied pattern.` };
            if (!deny && !matches)
              return { passed: false, path, message: `${path} does not match the required pattern.` };
          }
          return { passed: true, message: deny ? `${config.path} is clean.` : `${config.path} matches.` };
        },
      };
    }
  }
}

/** Validates a configuration fully: shape, patterns (re2js), JSON paths, the JSON Schema (ajv). */
export function checkConfiguration(configuration: unknown): GuardrailConfiguration {
  const config = parseInput(guardrailConfiguration, configuration, 'configuration');
  switch (config.kind) {
    case 'secret_scan':
      secretMatcher(config.patterns ?? []);
      break;
    case 'json_schema':
      compileSchema(config.schema);
      break;
    case 'protected_paths':
      config.paths?.forEach((p, i) => parseJsonPath(p, `configuration.paths.${i}`));
      break;
    case 'regex_deny':
    case 'regex_require':
      compilePattern(config.pattern, 'configuration.pattern');
      parseJsonPath(config.path, 'configuration.path');
      break;
    case 'max_size':
      break;
  }
  return config;
}

// ---------------------------------------------------------------------------------------------
// Editing guardrails

const guardrailFields = z.object({
  projectId: z.string().min(1).max(36).nullable(),
  ruleId: z.string().trim().min(1, 'a rule id is required').max(100),
  description: z.string().trim().min(1, 'a description is required').max(5000),
  severity: z.enum(guardrailSeverities),
  autoReject: z.boolean(),
  configuration: z.unknown(),
  enabled: z.boolean(),
});
export const guardrailInput = guardrailFields.partial({ autoReject: true, enabled: true, projectId: true }).strict();
export type GuardrailInput = z.input<typeof guardrailInput>;
export const guardrailPatch = guardrailFields.omit({ projectId: true }).partial().strict();
export type GuardrailPatch = z.input<typeof guardrailPatch>;

/** The columns of a `GuardrailRow`. */
export const guardrailColumns = {
  id: guardrails.id,
  projectId: guardrails.projectId,
  ruleId: guardrails.ruleId,
  description: guardrails.description,
  severity: guardrails.severity,
  autoReject: guardrails.autoReject,
  configuration: guardrails.configuration,
  enabled: guardrails.enabled,
};

export async function createGuardrail(db: Db, input: GuardrailInput, actor: string): Promise<GuardrailRow> {
  const fields = parseInput(guardrailInput, input);
  const configuration = checkConfiguration(fields.configuration);
  if (fields.projectId) {
    const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, fields.projectId));
    if (!project) throw notFound('Project', fields.projectId);
  }
  const row: GuardrailRow = {
    id: randomUUID(),
    projectId: fields.projectId ?? null,
    ruleId: fields.ruleId,
    description: fields.description,
    severity: fields.severity,
    autoReject: fields.autoReject ?? false,
    configuration,
    enabled: fields.enabled ?? true,
  };
  await audited(
    db,
    {
      userId: actor,
      action: 'guardrail.create',
      resourceType: 'guardrail',
      resourceId: row.id,
      metadata: { ruleId: row.ruleId, kind: configuration.kind, projectId: row.projectId },
    },
    (tx) => tx.insert(guardrails).values(row),
  );
  return row;
}

export async function updateGuardrail(db: Db, id: string, patch: GuardrailPatch, actor: string): Promise<GuardrailRow> {
  const fields = parseInput(guardrailPatch, patch);
  const [current] = await db.select(guardrailColumns).from(guardrails).where(eq(guardrails.id, id));
  if (!current) throw notFound('Guardrail', id);
  const next: GuardrailRow = { ...current, ...fields };
  if (fields.configuration !== undefined) next.configuration = checkConfiguration(fields.configuration);
  await audited(
    db,
    {
      userId: actor,
      action: 'guardrail.update',
      resourceType: 'guardrail',
      resourceId: id,
      metadata: { fields: Object.keys(fields) },
    },
    (tx) => tx.update(guardrails).set(next).where(eq(guardrails.id, id)),
  );
  return next;
}

/** System guardrails (project_id NULL) plus the project's own; `enabledOnly` for validation. */
export async function listGuardrails(
  db: Db,
  projectId: string | null,
  options: { enabledOnly?: boolean } = {},
): Promise<GuardrailRow[]> {
  const scope = projectId
    ? or(isNull(guardrails.projectId), eq(guardrails.projectId, projectId))
    : isNull(guardrails.projectId);
  return db
    .select(guardrailColumns)
    .from(guardrails)
    .where(options.enabledOnly ? and(scope, eq(guardrails.enabled, true)) : scope)
    .orderBy(asc(guardrails.severity), asc(guardrails.ruleId));
}
