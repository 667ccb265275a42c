import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../../db/connection.js';
import { externalToolAccess, projects, toolRegistry } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { CockpitError, notFound } from '../errors.js';
import { isSealed, type SealedValue, type SecretBox } from './crypto.js';
import { parseInput } from './providers.js';

export type AccessLevel = 'read' | 'write' | 'admin';
const RANK: Record<AccessLevel, number> = { read: 1, write: 2, admin: 3 };
/** A token this close to expiry is refreshed first. */
const EXPIRY_SKEW_SECONDS = 30;

/**
 * `oauth_config` layout: scopes, token endpoint and client id readable; access token, refresh
 * token and client secret sealed (`{ "$encrypted": … }`, see crypto.ts); `status: "expired"` once a
 * token expired without a way to refresh it.
 */
interface OAuthConfig {
  scopes?: string[];
  tokenEndpoint?: string;
  clientId?: string;
  status?: 'expired';
  accessToken?: SealedValue;
  refreshToken?: SealedValue;
  clientSecret?: SealedValue;
}

const grantSchema = z.object({
  projectId: z.string().min(1).max(36),
  toolName: z.string().min(1).max(255),
  accessType: z.enum(['read', 'write', 'admin']).default('read'),
  enabled: z.boolean().default(true),
  oauth: z
    .object({
      accessToken: z.string().min(1).max(400).optional(),
      refreshToken: z.string().min(1).max(400).optional(),
      clientId: z.string().max(200).optional(),
      clientSecret: z.string().min(1).max(400).optional(),
      tokenEndpoint: z
        .string()
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')
        .optional(),
      scopes: z.array(z.string().max(200)).max(50).default([]),
    })
    .optional(),
  /** Seconds from now until the access token expires. */
  expiresInSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 24 * 3600)
    .optional(),
});
export type GrantInput = z.input<typeof grantSchema>;

export interface ExternalAccessView {
  id: string;
  projectId: string;
  toolId: string;
  toolName: string;
  accessType: AccessLevel;
  enabled: boolean;
  status: 'active' | 'expired' | 'disabled';
  hasAccessToken: boolean;
  canRefresh: boolean;
  scopes: string[];
  expiresAt: string | null;
  lastAccessedAt: string | null;
}

/** Grants (or changes) a project's access to a tool, sealing every OAuth secret. */
export async function grantExternalAccess(
  db: Db,
  box: SecretBox,
  actor: string,
  input: GrantInput,
): Promise<ExternalAccessView> {
  const data = parseInput(grantSchema, input);
  const [tool] = await db
    .select({ id: toolRegistry.id })
    .from(toolRegistry)
    .where(eq(toolRegistry.name, data.toolName));
  if (!tool) throw notFound('Tool', data.toolName);
  const [project] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, data.projectId));
  if (!project) throw notFound('Project', data.projectId);
  const oauth: OAuthConfig | null = data.oauth
    ? {
        scopes: data.oauth.scopes,
        ...(data.oauth.tokenEndpoint ? { tokenEndpoint: data.oauth.tokenEndpoint } : {}),
        ...(data.oauth.clientId ? { clientId: data.oauth.clientId } : {}),
        ...(data.oauth.accessToken ? { accessToken: box.seal(data.oauth.accessToken) } : {}),
        ...(data.oauth.refreshToken ? { refreshToken: box.seal(data.oauth.refreshToken) } : {}),
        ...(data.oauth.clientSecret ? { clientSecret: box.seal(data.oauth.clientSecret) } : {}),
      }
    : null;
  const expiresAt =
    data.expiresInSeconds === undefined ? null : sql`CURRENT_TIMESTAMP(6) + INTERVAL ${data.expiresInSeconds} SECOND`;
  const metadata = { projectId: data.projectId, tool: data.toolName, accessType: data.accessType, oauth: !!oauth };
  await audited(
    db,
    { userId: actor, action: 'external_access.grant', resourceType: 'external_tool_access', metadata },
    async (tx) => {
      await tx
        .insert(externalToolAccess)
        .values({
          id: randomUUID(),
          projectId: data.projectId,
          toolId: tool.id,
          accessType: data.accessType,
          enabled: data.enabled,
          oauthConfig: oauth,
          expiresAt,
        })
        .onDuplicateKeyUpdate({
          set: { accessType: data.accessType, enabled: data.enabled, oauthConfig: oauth, expiresAt },
        });
    },
  );
  return (await listExternalAccess(db, data.projectId)).find((v) => v.toolId === tool.id)!;
}

export async function revokeExternalAccess(db: Db, actor: string, projectId: string, toolName: string): Promise<void> {
  const view = (await listExternalAccess(db, projectId)).find((v) => v.toolName === toolName);
  if (!view) throw notFound('External access to tool', toolName);
  await audited(
    db,
    {
      userId: actor,
      action: 'external_access.revoke',
      resourceType: 'external_tool_access',
      resourceId: view.id,
      metadata: { projectId, tool: toolName },
    },
    async (tx) => {
      await tx.delete(externalToolAccess).where(eq(externalToolAccess.id, view.id));
    },
  );
}

const expiredSql = sql<number>`CASE WHEN ${externalToolAccess.expiresAt} IS NOT NULL AND ${externalToolAccess.expiresAt} <= CURRENT_TIMESTAMP(6) + INTERVAL ${sql.raw(String(EXPIRY_SKEW_SECONDS))} SECOND THEN 1 ELSE 0 END`;

async function rows(db: Db, projectId: string, toolId?: string) {
  return db
    .select({
      row: externalToolAccess,
      toolName: toolRegistry.name,
      expired: expiredSql.mapWith(Number),
    })
    .from(externalToolAccess)
    .innerJoin(toolRegistry, eq(toolRegistry.id, externalToolAccess.toolId))
    .where(and(eq(externalToolAccess.projectId, projectId), toolId ? eq(externalToolAccess.toolId, toolId) : undefined))
    .orderBy(toolRegistry.name);
}

function toView(entry: Awaited<ReturnType<typeof rows>>[number]): ExternalAccessView {
  const { row } = entry;
  const oauth = (row.oauthConfig ?? {}) as OAuthConfig;
  const expired = oauth.status === 'expired' || (entry.expired === 1 && !canRefresh(oauth));
  return {
    id: row.id,
    projectId: row.projectId,
    toolId: row.toolId,
    toolName: entry.toolName,
    accessType: row.accessType,
    enabled: row.enabled,
    status: !row.enabled ? 'disabled' : expired ? 'expired' : 'active',
    hasAccessToken: isSealed(oauth.accessToken),
    canRefresh: canRefresh(oauth),
    scopes: oauth.scopes ?? [],
    expiresAt: row.expiresAt,
    lastAccessedAt: row.lastAccessedAt,
  };
}

const canRefresh = (oauth: OAuthConfig) => isSealed(oauth.refreshToken) && typeof oauth.tokenEndpoint === 'string';

/** A project's grants, with what the UI shows (never a token). */
export async function listExternalAccess(db: Db, projectId: string): Promise<ExternalAccessView[]> {
  return (await rows(db, projectId)).map(toView);
}

export interface AcquiredAccess {
  accessType: AccessLevel;
  /** Decrypted access token, for the tool call only. */
  accessToken: string | null;
}

/**
 * Gates tool calls by the project's grant: enabled, at least the needed level, not expired. An
 * expired token is refreshed at its token endpoint when a refresh token exists; otherwise the grant
 * is marked expired. `last_accessed_at` is updated on every granted use.
 */
export class ExternalAccess {
  constructor(
    private readonly options: { db: Db; box: SecretBox; actor: string; fetch?: typeof fetch; timeoutMs?: number },
  ) {}

  async acquire(projectId: string, toolId: string, needed: AccessLevel): Promise<AcquiredAccess> {
    const { db, box } = this.options;
    const [entry] = await rows(db, projectId, toolId);
    if (!entry) {
      throw new CockpitError('forbidden', `Project ${projectId} has no access to tool ${toolId}; grant it first.`);
    }
    const { row } = entry;
    if (!row.enabled) throw new CockpitError('forbidden', `Access to ${entry.toolName} is disabled for this project.`);
    if (RANK[row.accessType] < RANK[needed]) {
      throw new CockpitError(
        'forbidden',
        `${entry.toolName} needs ${needed} access; this project has ${row.accessType} access.`,
        'accessType',
      );
    }
    let oauth = (row.oauthConfig ?? {}) as OAuthConfig;
    if (oauth.status === 'expired') {
      throw new CockpitError('forbidden', `Access to ${entry.toolName} expired; sign in again.`, 'expiresAt');
    }
    if (entry.expired === 1) oauth = await this.refresh(row.id, entry.toolName, oauth);
    await db
      .update(externalToolAccess)
      .set({ lastAccessedAt: sql`CURRENT_TIMESTAMP(6)` })
      .where(eq(externalToolAccess.id, row.id));
    return {
      accessType: row.accessType,
      accessToken: isSealed(oauth.accessToken) ? box.unseal(oauth.accessToken) : null,
    };
  }

  private async refresh(id: string, toolName: string, oauth: OAuthConfig): Promise<OAuthConfig> {
    const { db, box } = this.options;
    const markExpired = async (reason: string) => {
      await audited(
        db,
        {
          userId: this.options.actor,
          action: 'external_access.expire',
          resourceType: 'external_tool_access',
          resourceId: id,
          metadata: { tool: toolName, reason },
        },
        async (tx) => {
          await tx
            .update(externalToolAccess)
            .set({ oauthConfig: { ...oauth, status: 'expired' } })
            .where(eq(externalToolAccess.id, id));
        },
      );
      return new CockpitError('forbidden', `Access to ${toolName} expired (${reason}); sign in again.`, 'expiresAt');
    };
    if (!canRefresh(oauth)) throw await markExpired('no refresh token');
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: box.unseal(oauth.refreshToken!) });
    if (oauth.clientId) form.set('client_id', oauth.clientId);
    if (isSealed(oauth.clientSecret)) form.set('client_secret', box.unseal(oauth.clientSecret));
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(oauth.tokenEndpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        redirect: 'error',
      });
    } catch {
      // The endpoint may be back soon: the grant is not marked expired.
      throw new CockpitError(
        'unavailable',
        `Could not refresh access to ${toolName}: the token endpoint did not answer.`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      refresh_token?: unknown;
      expires_in?: unknown;
    };
    if (response.status >= 500) {
      throw new CockpitError('unavailable', `Could not refresh access to ${toolName}: HTTP ${response.status}.`);
    }
    if (!response.ok || typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw await markExpired(`refresh refused: HTTP ${response.status}`);
    }
    const refreshed: OAuthConfig = {
      ...oauth,
      accessToken: box.seal(body.access_token),
      ...(typeof body.refresh_token === 'string' && body.refresh_token
        ? { refreshToken: box.seal(body.refresh_token) }
        : {}),
    };
    delete refreshed.status;
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? Math.floor(body.expires_in) : null;
    await audited(
      db,
      {
        userId: this.options.actor,
        action: 'external_access.refresh',
        resourceType: 'external_tool_access',
        resourceId: id,
        metadata: { tool: toolName, expiresIn },
      },
      async (tx) => {
        await tx
          .update(externalToolAccess)
          .set({
            oauthConfig: refreshed,
            expiresAt: expiresIn === null ? null : sql`CURRENT_TIMESTAMP(6) + INTERVAL ${expiresIn} SECOND`,
          })
          .where(eq(externalToolAccess.id, id));
      },
    );
    return refreshed;
  }
}
