import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { auditLogs, dashboards, modules, profiles } from '../db/schema/index.js';

export interface AuditRow {
  timestamp: string;
  userId: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  status: 'success' | 'failure' | 'partial';
  metadata: unknown;
}

/**
 * The audit trail of a project, newest first: the project itself and its current profiles,
 * dashboards and modules (rows of deleted ones stay in audit_logs, found by resource id).
 */
export async function projectAuditTrail(db: Db, projectId: string, limit = 200): Promise<AuditRow[]> {
  const profileIds = (await db.select({ id: profiles.id }).from(profiles).where(eq(profiles.projectId, projectId))).map(
    (r) => r.id,
  );
  const dashboardIds =
    profileIds.length === 0
      ? []
      : (await db.select({ id: dashboards.id }).from(dashboards).where(inArray(dashboards.profileId, profileIds))).map(
          (r) => r.id,
        );
  const moduleIds =
    dashboardIds.length === 0
      ? []
      : (await db.select({ id: modules.id }).from(modules).where(inArray(modules.dashboardId, dashboardIds))).map(
          (r) => r.id,
        );
  const of = (type: string, ids: string[]) =>
    ids.length === 0 ? undefined : and(eq(auditLogs.resourceType, type), inArray(auditLogs.resourceId, ids));
  return db
    .select({
      timestamp: auditLogs.timestamp,
      userId: auditLogs.userId,
      action: auditLogs.action,
      resourceType: auditLogs.resourceType,
      resourceId: auditLogs.resourceId,
      status: auditLogs.status,
      metadata: auditLogs.metadata,
    })
    .from(auditLogs)
    .where(
      or(of('project', [projectId]), of('profile', profileIds), of('dashboard', dashboardIds), of('module', moduleIds)),
    )
    .orderBy(desc(auditLogs.timestamp), desc(auditLogs.id))
    .limit(limit);
}
