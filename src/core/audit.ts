import { desc, and, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { auditLogs } from '../db/schema/index.js';
import { insertRows } from './bulk.js';
import { safeMessage } from './errors.js';

/** A transaction or the database: audit rows are written in the same transaction as the change. */
export type Executor = Pick<Db, 'insert' | 'select' | 'update' | 'delete' | 'execute'>;

export interface AuditEntry {
  /** Who acted: git user.email, else the OS user, else `system`. */
  userId: string;
  /** `<resource>.<verb>`, e.g. `dashboard.create`, `profile.switch_active`. */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  status: 'success' | 'failure' | 'partial';
  /** Before/after ids and other context — never secrets. */
  metadata?: Record<string, unknown>;
}

export async function writeAudit(executor: Executor, entry: AuditEntry): Promise<void> {
  await executor.insert(auditLogs).values({
    userId: entry.userId,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    status: entry.status,
    metadata: entry.metadata ?? null,
    userAgent: 'devguide-cockpit',
  });
}

/** Many audit rows in one INSERT, for batch work (the Bin's worker). */
export async function writeAudits(executor: Executor, entries: AuditEntry[]): Promise<void> {
  await insertRows(
    executor,
    auditLogs,
    entries.map((entry) => ({
      userId: entry.userId,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      status: entry.status,
      metadata: entry.metadata ?? null,
      userAgent: 'devguide-cockpit',
    })),
  );
}

/**
 * Runs `change` in a transaction that also writes its audit row; when the change fails, the
 * failure is audited on its own (the transaction rolled back) and the error rethrown.
 */
export async function audited<T>(
  db: Db,
  entry: Omit<AuditEntry, 'status'>,
  change: (tx: Executor) => Promise<T>,
  describe: (result: T) => Partial<Pick<AuditEntry, 'resourceId' | 'metadata'>> = () => ({}),
): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      const result = await change(tx);
      await writeAudit(tx, { ...entry, ...describe(result), status: 'success' });
      return result;
    });
  } catch (error) {
    await writeAudit(db, {
      ...entry,
      status: 'failure',
      metadata: { ...entry.metadata, error: safeMessage(error) },
    }).catch(() => undefined);
    throw error;
  }
}

/** Newest first, for the audit trail of one resource. */
export async function auditTrail(db: Db, resourceType: string, resourceId: string, limit = 50) {
  return db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.resourceType, resourceType), eq(auditLogs.resourceId, resourceId)))
    .orderBy(desc(auditLogs.timestamp), desc(auditLogs.id))
    .limit(limit);
}
