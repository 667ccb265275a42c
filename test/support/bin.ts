import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connection.js';
import { dashboards, modules, profiles, projects } from '../../src/db/schema/index.js';

export interface ModuleSpec {
  type: string;
  name?: string;
  configuration: Record<string, unknown>;
}

export interface Hierarchy {
  projectId: string;
  profileId: string;
  dashboards: Array<{ id: string; modules: string[] }>;
}

/** A project with one profile and one dashboard per entry of `layout` (its modules). */
export async function createHierarchy(db: Db, layout: ModuleSpec[][], name = 'bin-test'): Promise<Hierarchy> {
  const projectId = randomUUID();
  const profileId = randomUUID();
  await db.insert(projects).values({ id: projectId, name, ownerUserId: 'dev@example.com' });
  await db.insert(profiles).values({ id: profileId, projectId, name: 'Builder' });
  const created: Hierarchy['dashboards'] = [];
  for (const [position, specs] of layout.entries()) {
    const dashboardId = randomUUID();
    await db
      .insert(dashboards)
      .values({ id: dashboardId, profileId, name: `Dashboard ${position}`, layout: {}, position });
    const ids = specs.map(() => randomUUID());
    if (specs.length > 0) {
      await db.insert(modules).values(
        specs.map((spec, i) => ({
          id: ids[i]!,
          dashboardId,
          moduleType: spec.type,
          name: spec.name ?? `${spec.type} ${position}.${i}`,
          configuration: spec.configuration,
          position: i,
        })),
      );
    }
    created.push({ id: dashboardId, modules: ids });
  }
  return { projectId, profileId, dashboards: created };
}

export async function moduleConfiguration(db: Db, id: string): Promise<Record<string, unknown>> {
  const [row] = await db.select({ configuration: modules.configuration }).from(modules).where(eq(modules.id, id));
  const value = row?.configuration;
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

export async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [rows] = (await db.execute(query)) as unknown as [Array<{ n: number | string }>];
  return Number(rows[0]?.n ?? 0);
}
