import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../../db/connection.js';
import { apiConfigurations, projects } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import { maskSecret, type SecretBox } from './crypto.js';

export const PROVIDER_KINDS = ['anthropic', 'openai', 'azure', 'local', 'vscode-lm'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Which kinds need, allow or refuse an API key. */
const KEY_RULE: Record<ProviderKind, 'required' | 'optional' | 'none'> = {
  anthropic: 'required',
  openai: 'required',
  azure: 'required',
  local: 'optional',
  'vscode-lm': 'none',
};
/** Kinds whose endpoint must be given (the others default to the vendor's public API). */
const NEEDS_BASE_URL: ReadonlySet<ProviderKind> = new Set(['azure', 'local']);

/** What anyone may see of a provider configuration: the key only as `••••1234`. */
export interface ProviderView {
  id: string;
  projectId: string;
  provider: ProviderKind;
  model: string;
  baseUrl: string | null;
  /** DECIMAL(3,2) as a string, e.g. "0.70". */
  temperature: string;
  maxTokens: number;
  enabled: boolean;
  /** Fallback order: lower numbers are tried first; ties by creation time. */
  priority: number;
  hasKey: boolean;
  /** `••••1234`, or `unreadable` when the loaded master key cannot decrypt it. */
  keyHint: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A configuration ready to call: holds the decrypted key, stays inside the host process. */
export interface ProviderSettings extends Omit<ProviderView, 'keyHint' | 'hasKey'> {
  apiKey: string | null;
}

const temperature = z
  .union([z.number(), z.string().regex(/^\d(\.\d{1,2})?$/, 'a number from 0 to 2 with at most 2 decimals')])
  .transform(Number)
  .pipe(z.number().min(0, 'at least 0').max(2, 'at most 2'))
  .transform((t) => t.toFixed(2));

const editable = {
  model: z
    .string()
    .trim()
    .min(1, 'required')
    .max(100, 'at most 100 characters')
    .regex(/^[^\s\p{Cc}]+$/u, 'no spaces or control characters'),
  baseUrl: z
    .string()
    .trim()
    .max(500, 'at most 500 characters')
    .url('an http(s) URL')
    .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .nullable(),
  // Never echoed: the messages say what is wrong, not what was typed.
  apiKey: z
    .string()
    .trim()
    .min(1, 'empty')
    .max(400, 'longer than 400 characters')
    .regex(/^[\x21-\x7e]+$/, 'contains spaces or non-ASCII characters')
    .nullable(),
  temperature,
  maxTokens: z.number().int('a whole number').min(1, 'at least 1').max(1_000_000, 'at most 1 000 000'),
  enabled: z.boolean(),
  priority: z.number().int('a whole number').min(-1000, 'at least -1000').max(1000, 'at most 1000'),
};

const addSchema = z.object({
  projectId: z.string().min(1, 'required').max(36),
  provider: z.enum(PROVIDER_KINDS, { error: `one of ${PROVIDER_KINDS.join(', ')}` }),
  model: editable.model,
  baseUrl: editable.baseUrl.optional(),
  apiKey: editable.apiKey.optional(),
  temperature: editable.temperature.optional(),
  maxTokens: editable.maxTokens.optional(),
  enabled: editable.enabled.optional(),
  priority: editable.priority.optional(),
});
export type AddProviderInput = z.input<typeof addSchema>;

const updateSchema = z.object(editable).partial();
/** `apiKey`: omitted keeps the key, null removes it, a string replaces it. */
export type UpdateProviderInput = z.input<typeof updateSchema>;

/** Validates with zod and turns the first issue into a CockpitError naming the field (never the value). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || 'input';
  throw invalid(`Invalid ${field}: ${issue.message}.`, field);
}

function checkRules(provider: ProviderKind, apiKey: string | null | undefined, baseUrl: string | null | undefined) {
  const rule = KEY_RULE[provider];
  if (rule === 'required' && !apiKey) throw invalid(`The ${provider} provider needs an API key.`, 'apiKey');
  if (rule === 'none' && apiKey) throw invalid(`The ${provider} provider takes no API key.`, 'apiKey');
  if (NEEDS_BASE_URL.has(provider) && !baseUrl) {
    throw invalid(
      provider === 'azure'
        ? 'The azure provider needs its endpoint, e.g. https://<resource>.openai.azure.com (the model is the deployment name).'
        : 'The local provider needs the base URL of its OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1.',
      'baseUrl',
    );
  }
}

type Row = typeof apiConfigurations.$inferSelect;

function toView(row: Row, box: SecretBox | undefined): ProviderView {
  let keyHint: string | null = null;
  if (row.apiKeyEncrypted) {
    try {
      keyHint = box ? maskSecret(box.decrypt(row.apiKeyEncrypted)) : '••••';
    } catch {
      keyHint = 'unreadable';
    }
  }
  return {
    id: row.id,
    projectId: row.projectId,
    provider: row.provider as ProviderKind,
    model: row.model,
    baseUrl: row.baseUrl,
    temperature: row.temperature ?? '0.70',
    maxTokens: row.maxTokens ?? 4096,
    enabled: row.enabled,
    priority: row.priority ?? 0,
    hasKey: row.apiKeyEncrypted !== null,
    keyHint,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const auditEntry = (actor: string, action: string, resourceId: string | null, metadata: Record<string, unknown>) => ({
  userId: actor,
  action,
  resourceType: 'api_configuration',
  resourceId,
  metadata,
});

export async function addProvider(
  db: Db,
  box: SecretBox,
  actor: string,
  input: AddProviderInput,
): Promise<ProviderView> {
  const data = parseInput(addSchema, input);
  checkRules(data.provider, data.apiKey, data.baseUrl);
  const id = randomUUID();
  const metadata = { projectId: data.projectId, provider: data.provider, model: data.model, keySet: !!data.apiKey };
  await audited(db, auditEntry(actor, 'ai_provider.create', id, metadata), async (tx) => {
    const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, data.projectId));
    if (!project) throw notFound('Project', data.projectId);
    const [existing] = await tx
      .select({ id: apiConfigurations.id })
      .from(apiConfigurations)
      .where(and(eq(apiConfigurations.projectId, data.projectId), eq(apiConfigurations.provider, data.provider)));
    if (existing) {
      throw new CockpitError(
        'conflict',
        `Project ${data.projectId} already has a ${data.provider} provider; edit it instead.`,
        'provider',
      );
    }
    await tx.insert(apiConfigurations).values({
      id,
      projectId: data.projectId,
      provider: data.provider,
      model: data.model,
      baseUrl: data.baseUrl ?? null,
      apiKeyEncrypted: data.apiKey ? box.encrypt(data.apiKey) : null,
      temperature: data.temperature ?? '0.70',
      maxTokens: data.maxTokens ?? 4096,
      enabled: data.enabled ?? true,
      priority: data.priority ?? 0,
    });
  });
  return getProvider(db, box, id);
}

export async function updateProvider(
  db: Db,
  box: SecretBox,
  actor: string,
  id: string,
  patch: UpdateProviderInput,
): Promise<ProviderView> {
  const data = parseInput(updateSchema, patch);
  const current = await getRow(db, id);
  const provider = current.provider as ProviderKind;
  const keyAfter = data.apiKey === undefined ? current.apiKeyEncrypted : data.apiKey;
  checkRules(provider, keyAfter === null ? null : 'set', data.baseUrl === undefined ? current.baseUrl : data.baseUrl);
  const changed = Object.keys(data).filter((k) => k !== 'apiKey');
  const metadata = { projectId: current.projectId, provider, changed, keyChanged: data.apiKey !== undefined };
  await audited(db, auditEntry(actor, 'ai_provider.update', id, metadata), async (tx) => {
    const { apiKey, ...rest } = data;
    await tx
      .update(apiConfigurations)
      .set({
        ...rest,
        ...(apiKey === undefined ? {} : { apiKeyEncrypted: apiKey === null ? null : box.encrypt(apiKey) }),
      })
      .where(eq(apiConfigurations.id, id));
  });
  return getProvider(db, box, id);
}

export async function deleteProvider(db: Db, actor: string, id: string): Promise<void> {
  const current = await getRow(db, id);
  const metadata = { projectId: current.projectId, provider: current.provider, model: current.model };
  await audited(db, auditEntry(actor, 'ai_provider.delete', id, metadata), async (tx) => {
    await tx.delete(apiConfigurations).where(eq(apiConfigurations.id, id));
  });
}

async function getRow(db: Db, id: string): Promise<Row> {
  const [row] = await db.select().from(apiConfigurations).where(eq(apiConfigurations.id, id));
  if (!row) throw notFound('AI provider configuration', id);
  return row;
}

export async function getProvider(db: Db, box: SecretBox | undefined, id: string): Promise<ProviderView> {
  return toView(await getRow(db, id), box);
}

/** A project's providers in fallback order. Pass no box to list without decrypting (hint `••••`). */
export async function listProviders(db: Db, box: SecretBox | undefined, projectId: string): Promise<ProviderView[]> {
  const rows = await db
    .select()
    .from(apiConfigurations)
    .where(eq(apiConfigurations.projectId, projectId))
    .orderBy(asc(apiConfigurations.priority), asc(apiConfigurations.createdAt), asc(apiConfigurations.id));
  return rows.map((row) => toView(row, box));
}

/** The enabled providers of a project, in fallback order, with their keys decrypted. */
export async function loadProviderSettings(
  db: Db,
  box: SecretBox,
  projectId: string,
  options: { includeDisabled?: boolean; id?: string } = {},
): Promise<ProviderSettings[]> {
  const rows = await db
    .select()
    .from(apiConfigurations)
    .where(
      and(
        eq(apiConfigurations.projectId, projectId),
        options.includeDisabled ? undefined : eq(apiConfigurations.enabled, true),
        options.id ? eq(apiConfigurations.id, options.id) : undefined,
      ),
    )
    .orderBy(asc(apiConfigurations.priority), asc(apiConfigurations.createdAt), asc(apiConfigurations.id));
  return rows.map((row) => {
    const { keyHint: _hint, hasKey: _has, ...view } = toView(row, undefined);
    return { ...view, apiKey: row.apiKeyEncrypted ? box.decrypt(row.apiKeyEncrypted) : null };
  });
}
