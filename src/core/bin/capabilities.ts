import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { capabilities, dashboards, modules, profiles, projects } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { CockpitError, invalid, notFound } from '../errors.js';
import { CAPABILITIES, type Capability } from './handlers.js';

export interface CapabilityGrant {
  moduleId: string;
  capability: Capability;
  granted: boolean;
  grantedAt: string | null;
  revokedAt: string | null;
  justification: string | null;
}

function checkCapability(value: string): Capability {
  if (!(CAPABILITIES as readonly string[]).includes(value)) {
    throw invalid(`capability: "${value}" is not one of ${CAPABILITIES.join(', ')}.`, 'capability');
  }
  return value as Capability;
}

async function moduleName(db: Db, moduleId: string): Promise<string> {
  const [module] = await db.select({ name: modules.name }).from(modules).where(eq(modules.id, moduleId));
  if (!module) throw notFound('Module', moduleId);
  return module.name;
}

/** Grants a capability to a module; the justification is required and kept with the grant. */
export async function grantCapability(
  db: Db,
  input: { moduleId: string; capability: string; justification: string; actor: string },
): Promise<CapabilityGrant> {
  const capability = checkCapability(input.capability);
  const justification = input.justification?.trim() ?? '';
  if (justification.length < 3)
    throw invalid('justification: say why the module needs this capability.', 'justification');
  if (justification.length > 2000) throw invalid('justification: at most 2000 characters.', 'justification');
  const name = await moduleName(db, input.moduleId);
  await audited(
    db,
    {
      userId: input.actor,
      action: 'capability.grant',
      resourceType: 'module',
      resourceId: input.moduleId,
      metadata: { capability, module: name, justification },
    },
    (tx) =>
      tx
        .insert(capabilities)
        .values({
          id: randomUUID(),
          moduleId: input.moduleId,
          capabilityType: capability,
          granted: true,
          grantedAt: sql`NOW(6)`,
          justification,
        })
        .onDuplicateKeyUpdate({ set: { granted: true, grantedAt: sql`NOW(6)`, revokedAt: null, justification } }),
  );
  return (await listCapabilities(db, [input.moduleId])).find((c) => c.capability === capability)!;
}

/** Revokes a granted capability; the row stays, with revoked_at, for the record. */
export async function revokeCapability(
  db: Db,
  input: { moduleId: string; capability: string; actor: string },
): Promise<void> {
  const capability = checkCapability(input.capability);
  const name = await moduleName(db, input.moduleId);
  await audited(
    db,
    {
      userId: input.actor,
      action: 'capability.revoke',
      resourceType: 'module',
      resourceId: input.moduleId,
      metadata: { capability, module: name },
    },
    async (tx) => {
      const result = await tx
        .update(capabilities)
        .set({ granted: false, revokedAt: sql`NOW(6)` })
        .where(
          and(
            eq(capabilities.moduleId, input.moduleId),
            eq(capabilities.capabilityType, capability),
            eq(capabilities.granted, true),
          ),
        );
      const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number };
      if (!header.affectedRows)
        throw new CockpitError('conflict', `Module "${name}" does not hold the ${capability} capability.`);
    },
  );
}

/** The capability rows of modules (granted and revoked), for module cards and pickers. */
export async function listCapabilities(db: Db, moduleIds: string[]): Promise<CapabilityGrant[]> {
  if (moduleIds.length === 0) return [];
  const rows = await db
    .select({
      moduleId: capabilities.moduleId,
      capability: capabilities.capabilityType,
      granted: capabilities.granted,
      grantedAt: capabilities.grantedAt,
      revokedAt: capabilities.revokedAt,
      justification: capabilities.justification,
    })
    .from(capabilities)
    .where(inArray(capabilities.moduleId, moduleIds))
    .orderBy(asc(capabilities.moduleId), asc(capabilities.capabilityType));
  return rows.map((r) => ({ ...r, capability: r.capability as Capability, granted: Boolean(r.granted) }));
}

export interface ModuleChoice {
  id: string;
  name: string;
  moduleType: string;
  dashboardName: string;
  projectId: string;
  projectName: string;
}

/** Modules with where they live, for pickers (Grant/Revoke Capability). */
export async function listModules(
  db: Db,
  options: { projectId?: string; limit?: number } = {},
): Promise<ModuleChoice[]> {
  return db
    .select({
      id: modules.id,
      name: modules.name,
      moduleType: modules.moduleType,
      dashboardName: dashboards.name,
      projectId: projects.id,
      projectName: projects.name,
    })
    .from(modules)
    .innerJoin(dashboards, eq(dashboards.id, modules.dashboardId))
    .innerJoin(profiles, eq(profiles.id, dashboards.profileId))
    .innerJoin(projects, eq(projects.id, profiles.projectId))
    .where(options.projectId ? eq(projects.id, options.projectId) : undefined)
    .orderBy(asc(projects.name), asc(dashboards.position), asc(modules.position))
    .limit(Math.max(1, Math.min(options.limit ?? 1000, 5000)));
}
