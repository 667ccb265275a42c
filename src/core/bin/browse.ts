/**
 * Read queries behind the Bin view (issue 8 item 6): status counts, filter choices, the violations
 * list, every guardrail with its project, a cheap fingerprint to notice changes, and the payload as
 * the viewer shows it. The pipeline's own queries live in review.ts / compliance.ts.
 */
import { asc, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { guardrails, metadataStandards, metadataViolations, projects, syncBuffer } from '../../db/schema/index.js';
import { compileGuardrail, guardrailColumns, type GuardrailRow } from './guardrails.js';
import type { ChangeStatus } from './review.js';
import type { StandardCategory } from './standards.js';

export interface ChangeCounts {
  byStatus: Record<ChangeStatus, number>;
  /** VALIDATED changes not queued for propagation (awaiting approval or with failed dashboards). */
  onHold: number;
  total: number;
}

/** Changes per status, over the claim index (status, propagation_due) only. */
export async function changeCounts(db: Db): Promise<ChangeCounts> {
  const rows = await db
    .select({ status: syncBuffer.status, due: syncBuffer.propagationDue, n: sql<number>`COUNT(*)` })
    .from(syncBuffer)
    .groupBy(syncBuffer.status, syncBuffer.propagationDue);
  const byStatus: Record<ChangeStatus, number> = { PENDING: 0, VALIDATED: 0, REJECTED: 0, PROPAGATED: 0 };
  let onHold = 0;
  for (const row of rows) {
    byStatus[row.status as ChangeStatus] += Number(row.n);
    if (row.status === 'VALIDATED' && !row.due) onHold += Number(row.n);
  }
  return { byStatus, onHold, total: Object.values(byStatus).reduce((a, b) => a + b, 0) };
}

/** The change types seen in the Bin, for the type filter. */
export async function changeTypes(db: Db, limit = 200): Promise<string[]> {
  const rows = await db
    .selectDistinct({ changeType: syncBuffer.changeType })
    .from(syncBuffer)
    .orderBy(asc(syncBuffer.changeType))
    .limit(limit);
  return rows.map((r) => r.changeType);
}

/**
 * Moves when anything the Bin view shows changes, at a cost independent of the Bin's history:
 * the unfinished changes per (status, propagation_due) — a range of the claim index, small in a
 * healthy Bin — the newest change, and the open violations with the newest detection (index
 * range / index ends). PROPAGATED and REJECTED rows, the bulk of the table, are never counted:
 * every transition into them leaves PENDING or VALIDATED, which is counted.
 */
export async function binFingerprint(db: Db): Promise<string> {
  const [active, [newest], [violations]] = await Promise.all([
    db
      .select({ status: syncBuffer.status, due: syncBuffer.propagationDue, n: sql<number>`COUNT(*)` })
      .from(syncBuffer)
      .where(inArray(syncBuffer.status, ['PENDING', 'VALIDATED']))
      .groupBy(syncBuffer.status, syncBuffer.propagationDue)
      .orderBy(syncBuffer.status, syncBuffer.propagationDue),
    db.select({ at: max(syncBuffer.createdAt) }).from(syncBuffer),
    Promise.all([
      db
        .select({ n: sql<number>`COUNT(*)` })
        .from(metadataViolations)
        .where(eq(metadataViolations.status, 'open')),
      db.select({ at: max(metadataViolations.detectedAt) }).from(metadataViolations),
    ]).then(([[open], [latest]]) => [`${Number(open?.n ?? 0)}@${String(latest?.at ?? '')}`]),
  ]);
  const counts = active.map((r) => `${r.status}:${Number(r.due)}:${Number(r.n)}`).join(',');
  return `${counts}|${String(newest?.at ?? '')}|${violations}`;
}

export interface ViolationListRow {
  id: string;
  standardId: string;
  standardName: string;
  category: StandardCategory;
  resourceType: string;
  resourceId: string;
  violationValue: string | null;
  suggestedFix: string | null;
  status: 'open' | 'resolved' | 'suppressed';
  detectedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/** Violations newest first, with their standard; `status` narrows to open / resolved / suppressed. */
export async function listViolations(
  db: Db,
  options: { status?: ViolationListRow['status']; limit?: number } = {},
): Promise<ViolationListRow[]> {
  const rows = await db
    .select({
      id: metadataViolations.id,
      standardId: metadataViolations.standardId,
      standardName: metadataStandards.standardName,
      category: metadataStandards.category,
      resourceType: metadataViolations.resourceType,
      resourceId: metadataViolations.resourceId,
      violationValue: metadataViolations.violationValue,
      suggestedFix: metadataViolations.suggestedFix,
      status: metadataViolations.status,
      detectedAt: metadataViolations.detectedAt,
      resolvedAt: metadataViolations.resolvedAt,
      resolvedBy: metadataViolations.resolvedBy,
    })
    .from(metadataViolations)
    .innerJoin(metadataStandards, eq(metadataStandards.id, metadataViolations.standardId))
    .where(options.status ? eq(metadataViolations.status, options.status) : undefined)
    .orderBy(desc(metadataViolations.detectedAt), asc(metadataViolations.id))
    .limit(Math.max(1, Math.min(options.limit ?? 200, 1000)));
  return rows;
}

export interface GuardrailListRow extends GuardrailRow {
  /** Null for system guardrails (they apply to every project). */
  projectName: string | null;
}

/** Every guardrail: system ones first, then each project's, by rule id. */
export async function listAllGuardrails(db: Db): Promise<GuardrailListRow[]> {
  const rows = await db
    .select({ ...guardrailColumns, projectName: projects.name })
    .from(guardrails)
    .leftJoin(projects, eq(projects.id, guardrails.projectId))
    .orderBy(sql`${guardrails.projectId} IS NOT NULL`, asc(projects.name), asc(guardrails.ruleId));
  return rows.map((r) => ({
    ...r,
    configuration: typeof r.configuration === 'string' ? safeParse(r.configuration) : r.configuration,
  }));
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Every project, by name: the scopes a guardrail may be limited to. */
export async function listProjectChoices(db: Db): Promise<Array<{ id: string; name: string }>> {
  return db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(asc(projects.name)).limit(1000);
}

/** Project names by id, for labelling changes in a view that spans projects. */
export async function projectNames(db: Db, ids: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const rows = await db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(inArray(projects.id, unique));
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

/** The built-in secret scan, used to mask credentials in payloads no worker has scanned yet (compiled on first use). */
let displayScan: ReturnType<typeof compileGuardrail> | undefined;
const secretScan = () =>
  (displayScan ??= compileGuardrail({
    id: 'display-secret-scan',
    projectId: null,
    ruleId: 'display-secret-scan',
    description: 'Masks credentials in payloads shown before validation.',
    severity: 'CRITICAL',
    autoReject: false,
    configuration: { kind: 'secret_scan' },
    enabled: true,
  }));

export interface PayloadView {
  /** Pretty JSON, cut at `maxChars`. */
  text: string;
  /** Characters of the full pretty JSON. */
  chars: number;
  truncated: boolean;
  /** Credentials were masked for display (the change never went through validation's secret scan). */
  masked: boolean;
}

/**
 * The payload as the viewer shows it: pretty JSON, size-bounded. Validated changes are stored
 * with secrets already redacted by the secret scan; one that never went through validation
 * (PENDING, or rejected by hand before a worker claimed it) is not, so it is masked here.
 */
export function payloadView(payload: unknown, scanned: boolean, maxChars = 64 * 1024): PayloadView {
  let shown = payload;
  let masked = false;
  if (!scanned) {
    const outcome = secretScan().evaluate({ changeType: '', payload, bytes: 0 });
    if (outcome.redactedPayload !== undefined) {
      shown = outcome.redactedPayload;
      masked = true;
    }
  }
  const full = JSON.stringify(shown, null, 2) ?? 'null';
  const truncated = full.length > maxChars;
  return { text: truncated ? `${full.slice(0, maxChars)}\n…` : full, chars: full.length, truncated, masked };
}
