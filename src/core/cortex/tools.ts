import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import Ajv, { type ValidateFunction } from 'ajv';
import * as z from 'zod';
import type { Db, Dialect } from '../../db/connection.js';
import { capabilities, toolRegistry } from '../../db/schema/index.js';
import { audited, writeAudit } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import type { ExternalAccess, AccessLevel } from './external-access.js';
import { parseInput } from './providers.js';
import { bindQuery, checkReadOnlyQuery, runReadOnly } from './readonly-sql.js';
import type { CapabilityChecker, ToolDefinition } from './types.js';
import { readLimited } from './wire.js';

/** Where a tool runs: the project, the module the assistant acts for (capabilities) and the workspace. */
export interface ToolContext {
  projectId: string;
  /** The assistant's module: `requires_capability` is checked against its capabilities. */
  moduleId?: string | null;
  /** Folder the file and git tools are confined to. */
  workspaceRoot?: string;
  signal?: AbortSignal;
}

/** A system tool implemented in code (`config.builtin`). */
export type BuiltinTool = (args: Record<string, unknown>, context: ToolContext) => Promise<unknown>;

/** Resolves bearer tokens for API tools that use VS Code's authentication (e.g. GitHub). */
export type SessionTokenProvider = (provider: string, scopes: string[]) => Promise<string | undefined>;

export interface ToolView {
  id: string;
  name: string;
  category: string;
  description: string;
  implementationType: 'python' | 'api' | 'database' | 'wasm';
  isSystem: boolean;
  requiresCapability: string | null;
  parameters: Record<string, unknown>;
}

export interface ToolResult {
  tool: string;
  /** JSON text of the result, cut at the size bound. */
  content: string;
  truncated: boolean;
}

/** The assistant's capabilities, read from the Bin's `capabilities` table: granted and not revoked. */
export function capabilitiesTableChecker(db: Db): CapabilityChecker {
  return {
    async has(moduleId, capability) {
      const [row] = await db
        .select({ id: capabilities.id })
        .from(capabilities)
        .where(
          and(
            eq(capabilities.moduleId, moduleId),
            eq(capabilities.capabilityType, capability),
            eq(capabilities.granted, true),
            isNull(capabilities.revokedAt),
          ),
        )
        .limit(1);
      return row !== undefined;
    },
  };
}

const jsonSchemaObject = z
  .record(z.string(), z.unknown())
  .refine((s) => s.type === 'object', 'a JSON Schema with "type": "object"');

const apiConfig = z.object({
  url: z
    .string()
    .max(2000)
    .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'an http(s) URL; {name} inserts an argument'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(1000)).default({}),
  /** Needed access on the project's grant; default read for GET, write otherwise. */
  access: z.enum(['read', 'write', 'admin']).optional(),
  /** `external`: the project's OAuth grant (external_tool_access); `session:<provider>`: VS Code's authentication. */
  auth: z.union([z.literal('none'), z.literal('external'), z.string().regex(/^session:[a-z0-9-]+$/)]).default('none'),
  scopes: z.array(z.string().max(100)).max(20).default([]),
  parameters: jsonSchemaObject,
});

const databaseConfig = z.object({
  query: z.string().min(1).max(10_000),
  maxRows: z.number().int().min(1).max(1000).default(200),
  parameters: jsonSchemaObject,
});

const userToolSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase letters, digits and _ (1–64), starting with a letter'),
  category: z.enum(['file_ops', 'database', 'git', 'ai', 'external']),
  description: z.string().trim().min(1, 'required').max(2000),
  implementationType: z.enum(['api', 'database']),
  config: z.record(z.string(), z.unknown()),
  requiresCapability: z.string().max(100).nullable().optional(),
});
export type UserToolInput = z.input<typeof userToolSchema>;

export interface ToolRunnerOptions {
  db: Db;
  dialect: Dialect;
  actor: string;
  capabilities: CapabilityChecker;
  /** System tools by `config.builtin`; see `coreBuiltins` and the VS Code layer. */
  builtins?: Record<string, BuiltinTool>;
  externalAccess?: ExternalAccess;
  sessionTokens?: SessionTokenProvider;
  fetch?: typeof fetch;
  /** Result bound, bytes of JSON. Default 16 KiB. */
  maxResultBytes?: number;
  timeoutMs?: number;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw invalid(
        `The tool's parameters are not a valid JSON Schema: ${(error as Error).message}`,
        'config.parameters',
      );
    }
    validators.set(key, validate);
  }
  return validate;
}

/** Cuts JSON at `maxBytes` (UTF-8), saying so. */
export function boundResult(tool: string, value: unknown, maxBytes: number): ToolResult {
  const content = JSON.stringify(value ?? null);
  const bytes = Buffer.from(content, 'utf8');
  if (bytes.length <= maxBytes) return { tool, content, truncated: false };
  return {
    tool,
    content: `${bytes
      .subarray(0, maxBytes)
      .toString('utf8')
      .replace(/\uFFFD$/, '')}… [truncated: ${bytes.length} bytes, limit ${maxBytes}]`,
    truncated: true,
  };
}

type Row = typeof toolRegistry.$inferSelect;

function toView(row: Row): ToolView {
  const config = row.config as { parameters?: Record<string, unknown> };
  return {
    id: row.id,
    name: row.name,
    category: row.category,
    description: row.description,
    implementationType: row.implementationType,
    isSystem: row.isSystem,
    requiresCapability: row.requiresCapability,
    parameters: config.parameters ?? { type: 'object', properties: {} },
  };
}

/** Validates a user-defined tool's config for its implementation type. */
function parseToolConfig(implementationType: 'api' | 'database', config: unknown) {
  const parsed = implementationType === 'api' ? parseInput(apiConfig, config) : parseInput(databaseConfig, config);
  validatorFor(parsed.parameters);
  if (implementationType === 'database') {
    const { parameters } = checkReadOnlyQuery((parsed as z.output<typeof databaseConfig>).query);
    const declared = Object.keys((parsed.parameters.properties as Record<string, unknown> | undefined) ?? {});
    const missing = parameters.filter((p) => p !== 'projectId' && !declared.includes(p));
    if (missing.length) throw invalid(`The query uses :${missing[0]} but the parameters do not declare it.`, 'config');
  }
  return parsed;
}

export async function registerUserTool(db: Db, actor: string, input: UserToolInput): Promise<ToolView> {
  const data = parseInput(userToolSchema, input);
  const config = parseToolConfig(data.implementationType, data.config);
  const requiresCapability =
    data.requiresCapability === undefined
      ? data.implementationType === 'api'
        ? 'network_http'
        : null
      : data.requiresCapability;
  const id = randomUUID();
  await audited(
    db,
    { userId: actor, action: 'tool.create', resourceType: 'tool', resourceId: id, metadata: { name: data.name } },
    async (tx) => {
      const [existing] = await tx
        .select({ id: toolRegistry.id })
        .from(toolRegistry)
        .where(eq(toolRegistry.name, data.name));
      if (existing) throw new CockpitError('conflict', `A tool named ${data.name} already exists.`, 'name');
      await tx.insert(toolRegistry).values({
        id,
        name: data.name,
        category: data.category,
        description: data.description,
        implementationType: data.implementationType,
        config,
        isSystem: false,
        requiresCapability,
      });
    },
  );
  return getTool(db, data.name);
}

export async function deleteUserTool(db: Db, actor: string, name: string): Promise<void> {
  const tool = await getTool(db, name);
  if (tool.isSystem) throw new CockpitError('forbidden', `${name} is a system tool and cannot be deleted.`, 'name');
  await audited(
    db,
    { userId: actor, action: 'tool.delete', resourceType: 'tool', resourceId: tool.id, metadata: { name } },
    async (tx) => {
      await tx.delete(toolRegistry).where(eq(toolRegistry.id, tool.id));
    },
  );
}

export async function getTool(db: Db, name: string): Promise<ToolView> {
  const [row] = await db.select().from(toolRegistry).where(eq(toolRegistry.name, name));
  if (!row) throw notFound('Tool', name);
  return toView(row);
}

export async function listTools(db: Db): Promise<ToolView[]> {
  return (await db.select().from(toolRegistry).orderBy(toolRegistry.name)).map(toView);
}

/** Tools as `complete()` offers them to a model. */
export const toolDefinitions = (tools: ToolView[]): ToolDefinition[] =>
  tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));

/**
 * Runs registered tools: arguments validated against the tool's JSON Schema, `requires_capability`
 * checked against the assistant's module, results bounded, every run audited (argument names only).
 */
export class ToolRunner {
  constructor(private readonly options: ToolRunnerOptions) {}

  async run(name: string, args: unknown, context: ToolContext): Promise<ToolResult> {
    const { db } = this.options;
    const [row] = await db.select().from(toolRegistry).where(eq(toolRegistry.name, name));
    if (!row) throw notFound('Tool', name);
    const started = performance.now();
    const metadata = {
      tool: name,
      projectId: context.projectId,
      moduleId: context.moduleId ?? null,
      argumentNames: typeof args === 'object' && args !== null ? Object.keys(args) : [],
    };
    try {
      const result = await this.execute(row, args, context);
      await writeAudit(db, {
        userId: this.options.actor,
        action: 'tool.run',
        resourceType: 'tool',
        resourceId: row.id,
        status: 'success',
        metadata: { ...metadata, durationMs: Math.round(performance.now() - started), truncated: result.truncated },
      });
      return result;
    } catch (error) {
      await writeAudit(db, {
        userId: this.options.actor,
        action: 'tool.run',
        resourceType: 'tool',
        resourceId: row.id,
        status: 'failure',
        metadata: { ...metadata, error: error instanceof Error ? error.message.slice(0, 300) : String(error) },
      });
      throw error;
    }
  }

  private async execute(row: Row, args: unknown, context: ToolContext): Promise<ToolResult> {
    const config = row.config as Record<string, unknown> & { parameters?: Record<string, unknown> };
    const validate = validatorFor(config.parameters ?? { type: 'object' });
    if (!validate(args)) {
      const error = validate.errors?.[0];
      const where = error?.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'arguments';
      throw invalid(
        `Invalid arguments for ${row.name}: ${where} ${error?.message ?? 'is invalid'}.`,
        `arguments.${where}`,
      );
    }
    const values = args as Record<string, unknown>;
    if (row.requiresCapability) {
      const allowed = context.moduleId
        ? await this.options.capabilities.has(context.moduleId, row.requiresCapability)
        : false;
      if (!allowed) {
        throw new CockpitError(
          'forbidden',
          `${row.name} needs the ${row.requiresCapability} capability, which ${context.moduleId ? `module ${context.moduleId} does not hold` : 'no module was given for'}.`,
          'requiresCapability',
        );
      }
    }
    const maxBytes = this.options.maxResultBytes ?? 16_384;
    if (typeof config.builtin === 'string') {
      const builtin = this.options.builtins?.[config.builtin];
      if (!builtin) throw new CockpitError('unavailable', `${row.name} is not available here.`);
      return boundResult(row.name, await builtin(values, context), maxBytes);
    }
    if (row.implementationType === 'database') {
      const parsed = databaseConfig.parse(config);
      const rows = await runReadOnly(
        this.options.db,
        this.options.dialect,
        bindQuery(parsed.query, { ...values, projectId: context.projectId }),
        { timeoutMs: this.options.timeoutMs },
      );
      return boundResult(
        row.name,
        { rows: rows.slice(0, parsed.maxRows), more: rows.length > parsed.maxRows },
        maxBytes,
      );
    }
    if (row.implementationType === 'api') {
      return boundResult(row.name, await this.callApi(row, apiConfig.parse(config), values, context), maxBytes);
    }
    throw new CockpitError('unavailable', `${row.name}: ${row.implementationType} tools are not supported.`);
  }

  private async callApi(
    row: Row,
    config: z.output<typeof apiConfig>,
    values: Record<string, unknown>,
    context: ToolContext,
  ): Promise<unknown> {
    const used = new Set<string>();
    const url = config.url.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      used.add(name);
      return encodeURIComponent(String(values[name] ?? ''));
    });
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
    const needed: AccessLevel = config.access ?? (config.method === 'GET' ? 'read' : 'write');
    // Every API tool needs the project's grant (external_tool_access) at the level it asks for.
    const grant = await this.requireExternalAccess(row, context.projectId, needed);
    if (config.auth === 'external') {
      if (!grant.accessToken) throw new CockpitError('forbidden', `${row.name} has no OAuth token for this project.`);
      headers.authorization = `Bearer ${grant.accessToken}`;
    }
    if (config.auth.startsWith('session:')) {
      const token = await this.options.sessionTokens?.(config.auth.slice('session:'.length), config.scopes);
      if (!token) throw new CockpitError('forbidden', `${row.name} needs a ${config.auth.slice(8)} sign-in.`);
      headers.authorization = `Bearer ${token}`;
    }
    const rest = Object.fromEntries(Object.entries(values).filter(([k]) => !used.has(k)));
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 15_000);
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: config.method,
        headers: config.method === 'GET' ? headers : { ...headers, 'content-type': 'application/json' },
        body: config.method === 'GET' ? undefined : JSON.stringify(rest),
        signal: context.signal ? AbortSignal.any([context.signal, timeout]) : timeout,
        redirect: 'error',
      });
    } catch {
      throw new CockpitError('unavailable', `${row.name}: ${new URL(url).host} did not answer.`);
    }
    const limit = (this.options.maxResultBytes ?? 16_384) + 1;
    const text = await readLimited(response, limit);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (or cut): keep the text.
    }
    return { status: response.status, body };
  }

  private async requireExternalAccess(row: Row, projectId: string, needed: AccessLevel) {
    if (!this.options.externalAccess) {
      throw new CockpitError('forbidden', `${row.name} needs external access, which is not configured here.`);
    }
    return this.options.externalAccess.acquire(projectId, row.id, needed);
  }
}
