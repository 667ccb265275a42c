/**
 * version_history for dashboards and modules: a snapshot after every change, numbered 1, 2, 3 …
 * per resource. Callers hold the resource's row lock, so numbers are assigned one writer at a time;
 * the UNIQUE (resource_type, resource_id, version_number) index is the backstop.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { versionHistory } from '../db/schema/index.js';
import type { Executor } from './audit.js';

export type VersionedResource = 'dashboard' | 'module';

export interface DashboardSnapshot {
  name: string;
  description: string | null;
  layout: unknown;
}

export interface ModuleSnapshot {
  name: string;
  moduleType: string;
  configuration: unknown;
}

export interface VersionEntry {
  id: string;
  resourceType: VersionedResource;
  resourceId: string;
  versionNumber: number;
  changeDescription: string | null;
  createdBy: string;
  createdAt: string;
}

export async function recordVersion(
  tx: Executor,
  resourceType: VersionedResource,
  resourceId: string,
  snapshot: DashboardSnapshot | ModuleSnapshot,
  changeDescription: string,
  createdBy: string,
): Promise<number> {
  const [row] = await tx
    .select({ last: sql<number | null>`MAX(${versionHistory.versionNumber})` })
    .from(versionHistory)
    .where(and(eq(versionHistory.resourceType, resourceType), eq(versionHistory.resourceId, resourceId)))
    .for('update');
  const versionNumber = Number(row?.last ?? 0) + 1;
  await tx.insert(versionHistory).values({
    id: randomUUID(),
    resourceType,
    resourceId,
    versionNumber,
    snapshot,
    changeDescription: changeDescription.slice(0, 1000),
    createdBy,
  });
  return versionNumber;
}

/** Newest first. */
export async function listVersions(
  db: Db,
  resourceType: VersionedResource,
  resourceId: string,
  limit = 100,
): Promise<VersionEntry[]> {
  const rows = await db
    .select({
      id: versionHistory.id,
      resourceId: versionHistory.resourceId,
      versionNumber: versionHistory.versionNumber,
      changeDescription: versionHistory.changeDescription,
      createdBy: versionHistory.createdBy,
      createdAt: versionHistory.createdAt,
    })
    .from(versionHistory)
    .where(and(eq(versionHistory.resourceType, resourceType), eq(versionHistory.resourceId, resourceId)))
    .orderBy(desc(versionHistory.versionNumber))
    .limit(limit);
  return rows.map((r) => ({ ...r, resourceType }));
}

export async function readSnapshot(
  tx: Executor,
  resourceType: VersionedResource,
  resourceId: string,
  versionNumber: number,
): Promise<unknown> {
  const [row] = await tx
    .select({ snapshot: versionHistory.snapshot })
    .from(versionHistory)
    .where(
      and(
        eq(versionHistory.resourceType, resourceType),
        eq(versionHistory.resourceId, resourceId),
        eq(versionHistory.versionNumber, versionNumber),
      ),
    );
  return row?.snapshot;
}
