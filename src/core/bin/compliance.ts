import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/connection.js';
import { metadataStandards, metadataViolations } from '../../db/schema/index.js';
import { tiflashHint } from '../../db/tidb.js';
import { audited } from '../audit.js';
import { CockpitError, notFound } from '../errors.js';
import { checkValue, compileStandard, standardColumns, type StandardCategory } from './standards.js';

export interface ComplianceRow {
  standardId: string;
  category: StandardCategory;
  standardName: string;
  violationCount: number;
  openViolations: number;
  /** Share of (non-suppressed) violations resolved, in percent; 100 when there are none. */
  complianceRate: number;
}

const rowsOf = (result: unknown) => (Array.isArray(result) ? (result[0] as unknown[]) : (result as unknown[]));

/**
 * The spec's compliance query, corrected: a standard without violations is 100 % compliant
 * (COALESCE instead of a NULL that sorted first as "worst"), suppressed violations do not count,
 * and the figure is the share of violations resolved. Worst first.
 */
export async function complianceReport(database: Pick<Database, 'db' | 'server'>): Promise<ComplianceRow[]> {
  const hint = sql.raw(tiflashHint(database, 'mv'));
  const result = await database.db.execute(sql`
    SELECT ${hint}
      ms.id AS standard_id,
      ms.category,
      ms.standard_name,
      COUNT(mv.id) AS violation_count,
      COUNT(CASE WHEN mv.status = 'open' THEN 1 END) AS open_violations,
      COALESCE(
        ROUND((1 - COUNT(CASE WHEN mv.status = 'open' THEN 1 END) * 1.0 / NULLIF(COUNT(mv.id), 0)) * 100, 2),
        100
      ) AS compliance_rate
    FROM metadata_standards ms
    LEFT JOIN metadata_violations mv ON ms.id = mv.standard_id AND mv.status <> 'suppressed'
    WHERE ms.is_active = TRUE
    GROUP BY ms.id, ms.category, ms.standard_name
    ORDER BY compliance_rate ASC, ms.standard_name ASC`);
  return rowsOf(result).map((r) => {
    const row = r as Record<string, unknown>;
    return {
      standardId: String(row.standard_id),
      category: row.category as StandardCategory,
      standardName: String(row.standard_name),
      violationCount: Number(row.violation_count),
      openViolations: Number(row.open_violations),
      complianceRate: Number(row.compliance_rate),
    };
  });
}

export interface HighImpactRow {
  changeId: string;
  changeType: string;
  affectedDashboards: number;
  totalTokenCost: number;
  avgDurationMs: number | null;
}

/**
 * The spec's high-impact changes report, corrected: HAVING repeats the aggregate instead of
 * naming a select alias (a MySQL-family extension). More than 3 dashboards, newest `days` days.
 */
export async function highImpactChanges(
  database: Pick<Database, 'db' | 'server'>,
  options: { projectId?: string; days?: number; limit?: number } = {},
): Promise<HighImpactRow[]> {
  const days = Math.max(1, Math.min(Math.trunc(options.days ?? 7), 3650));
  const limit = Math.max(1, Math.min(Math.trunc(options.limit ?? 10), 1000));
  const project = options.projectId ? sql`AND sb.project_id = ${options.projectId}` : sql``;
  const result = await database.db.execute(sql`
    SELECT
      sb.id AS change_id,
      sb.change_type,
      COUNT(DISTINCT pl.affected_dashboard_id) AS affected_dashboards,
      COALESCE(SUM(pl.token_cost), 0) AS total_token_cost,
      AVG(pl.duration_ms) AS avg_duration_ms
    FROM sync_buffer sb
    JOIN propagation_log pl ON sb.id = pl.sync_buffer_id
    WHERE sb.created_at >= DATE_SUB(NOW(6), INTERVAL ${days} DAY) ${project}
    GROUP BY sb.id, sb.change_type
    HAVING COUNT(DISTINCT pl.affected_dashboard_id) > 3
    ORDER BY total_token_cost DESC, affected_dashboards DESC, sb.id ASC
    LIMIT ${limit}`);
  return rowsOf(result).map((r) => {
    const row = r as Record<string, unknown>;
    return {
      changeId: String(row.change_id),
      changeType: String(row.change_type),
      affectedDashboards: Number(row.affected_dashboards),
      totalTokenCost: Number(row.total_token_cost),
      avgDurationMs: row.avg_duration_ms === null ? null : Number(row.avg_duration_ms),
    };
  });
}

/** Conventional names a nomenclature standard does not judge: dotfiles and well-known upper-case files. */
const CONVENTIONAL_FILE =
  /^(?:\..*|README.*|LICENSE.*|LICENCE.*|CHANGELOG.*|CONTRIBUTING.*|CODE_OF_CONDUCT.*|SECURITY.*|NOTICE.*|AUTHORS.*|Dockerfile.*|Makefile|Procfile|Gemfile.*|Jenkinsfile)$/;

export interface WorkspaceCheck {
  files: number;
  tags: number;
  /** Violations recorded by this check (open ones already on record are not duplicated). */
  recorded: number;
  /** Open violations of files and tags that now comply, resolved by this check. */
  resolved: number;
  violations: Array<{
    resourceType: 'file' | 'tag';
    resourceId: string;
    standardName: string;
    suggestedFix: string | null;
  }>;
}

/**
 * Applies the active nomenclature and versioning standards that target `@file` / `@tag` to the
 * workspace's file names (workspace-relative paths) and git tags. Each mismatch becomes a
 * violation with resource_type `file` / `tag`; open violations that no longer apply are resolved.
 */
export async function checkWorkspaceCompliance(
  db: Db,
  input: { files: string[]; tags: string[]; actor: string },
): Promise<WorkspaceCheck> {
  const files = [...new Set(input.files.map((f) => f.replace(/\\/g, '/')).filter(Boolean))];
  const tags = [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))];
  const standardRows = await db
    .select(standardColumns)
    .from(metadataStandards)
    .where(
      and(eq(metadataStandards.isActive, true), inArray(metadataStandards.category, ['nomenclature', 'versioning'])),
    );
  const standards = standardRows.map(compileStandard).filter((s) => !s.problem);

  const found: Array<WorkspaceCheck['violations'][number] & { standardId: string; value: string }> = [];
  for (const standard of standards) {
    if (standard.targets?.file) {
      for (const file of files) {
        const name = file.split('/').pop() ?? file;
        if (CONVENTIONAL_FILE.test(name)) continue;
        const check = checkValue(standard, file, 'file');
        if (!check.ok)
          found.push({
            resourceType: 'file',
            resourceId: file.slice(0, 255),
            standardId: standard.row.id,
            standardName: standard.row.standardName,
            value: name,
            suggestedFix: check.suggestedFix,
          });
      }
    }
    if (standard.targets?.tag) {
      for (const tag of tags) {
        const check = checkValue(standard, tag, 'tag');
        if (!check.ok)
          found.push({
            resourceType: 'tag',
            resourceId: tag.slice(0, 255),
            standardId: standard.row.id,
            standardName: standard.row.standardName,
            value: tag,
            suggestedFix: check.suggestedFix,
          });
      }
    }
  }

  return audited(
    db,
    {
      userId: input.actor,
      action: 'compliance.check_workspace',
      resourceType: 'workspace',
      metadata: { files: files.length, tags: tags.length },
    },
    async (tx) => {
      const open = await tx
        .select({
          id: metadataViolations.id,
          standardId: metadataViolations.standardId,
          resourceType: metadataViolations.resourceType,
          resourceId: metadataViolations.resourceId,
        })
        .from(metadataViolations)
        .where(and(inArray(metadataViolations.resourceType, ['file', 'tag']), eq(metadataViolations.status, 'open')));
      const key = (v: { standardId: string; resourceType: string; resourceId: string }) =>
        `${v.standardId}\u0000${v.resourceType}\u0000${v.resourceId}`;
      const openKeys = new Set(open.map(key));
      const foundKeys = new Set(found.map(key));
      const fresh = found.filter((v) => !openKeys.has(key(v)));
      for (let i = 0; i < fresh.length; i += 1000) {
        await tx.insert(metadataViolations).values(
          fresh.slice(i, i + 1000).map((v) => ({
            id: randomUUID(),
            standardId: v.standardId,
            resourceType: v.resourceType,
            resourceId: v.resourceId,
            violationValue: v.value,
            suggestedFix: v.suggestedFix,
          })),
        );
      }
      const checkedStandards = new Set(standards.map((s) => s.row.id));
      const stale = open.filter((v) => checkedStandards.has(v.standardId) && !foundKeys.has(key(v)));
      for (let i = 0; i < stale.length; i += 1000) {
        await tx
          .update(metadataViolations)
          .set({ status: 'resolved', resolvedAt: sql`NOW(6)`, resolvedBy: input.actor.slice(0, 36) })
          .where(
            inArray(
              metadataViolations.id,
              stale.slice(i, i + 1000).map((v) => v.id),
            ),
          );
      }
      return {
        files: files.length,
        tags: tags.length,
        recorded: fresh.length,
        resolved: stale.length,
        violations: found.map(({ resourceType, resourceId, standardName, suggestedFix }) => ({
          resourceType,
          resourceId,
          standardName,
          suggestedFix,
        })),
      };
    },
    (r) => ({ metadata: { files: r.files, tags: r.tags, recorded: r.recorded, resolved: r.resolved } }),
  );
}

/** Resolve or suppress an open violation (suppressed ones leave the compliance figures). */
export async function setViolationStatus(
  db: Db,
  id: string,
  status: 'resolved' | 'suppressed',
  actor: string,
): Promise<void> {
  await audited(
    db,
    {
      userId: actor,
      action: status === 'resolved' ? 'violation.resolve' : 'violation.suppress',
      resourceType: 'metadata_violation',
      resourceId: id,
    },
    async (tx) => {
      const result = await tx
        .update(metadataViolations)
        .set({ status, resolvedAt: sql`NOW(6)`, resolvedBy: actor.slice(0, 36) })
        .where(and(eq(metadataViolations.id, id), eq(metadataViolations.status, 'open')));
      const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number };
      if (header.affectedRows) return;
      const [row] = await tx
        .select({ status: metadataViolations.status })
        .from(metadataViolations)
        .where(eq(metadataViolations.id, id));
      if (!row) throw notFound('Violation', id);
      throw new CockpitError('conflict', `Violation ${id} is already ${row.status}.`);
    },
  );
}
