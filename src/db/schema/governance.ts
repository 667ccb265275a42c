import { bigint, boolean, foreignKey, index, int, mysqlEnum, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { createdAt, datetime6, timestamp6, updatedAt, uuidPrimaryKey } from './columns.js';

export const standardCategories = ['temporal', 'nomenclature', 'versioning'] as const;
export const enforcementLevels = ['error', 'warning', 'info'] as const;

export const metadataStandards = mysqlTable(
  'metadata_standards',
  {
    id: uuidPrimaryKey(),
    standardName: varchar('standard_name', { length: 100 }).notNull().unique('uk_standard_name'),
    category: mysqlEnum('category', standardCategories).notNull(),
    patternRegex: text('pattern_regex').notNull(),
    validationMessage: text('validation_message'),
    enforcementLevel: mysqlEnum('enforcement_level', enforcementLevels).notNull().default('error'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * 1.2.0 — what the standard checks, comma-separated: payload key globs (`*_at`, `name`) and the
     * targets `@file` (file names) and `@tag` (git tags). NULL: the category's default targets.
     */
    appliesTo: varchar('applies_to', { length: 500 }),
  },
  (t) => [index('idx_category').on(t.category), index('idx_active').on(t.isActive)],
);

export const metadataViolations = mysqlTable(
  'metadata_violations',
  {
    id: uuidPrimaryKey(),
    // RESTRICT: a standard with recorded violations cannot be deleted (audit trail).
    standardId: varchar('standard_id', { length: 36 }).notNull(),
    resourceType: varchar('resource_type', { length: 50 }).notNull(),
    resourceId: varchar('resource_id', { length: 255 }).notNull(),
    violationValue: text('violation_value'),
    suggestedFix: text('suggested_fix'),
    status: mysqlEnum('status', ['open', 'resolved', 'suppressed']).notNull().default('open'),
    detectedAt: createdAt('detected_at'),
    resolvedAt: timestamp6('resolved_at'),
    resolvedBy: varchar('resolved_by', { length: 36 }),
  },
  (t) => [
    index('idx_resource').on(t.resourceType, t.resourceId),
    index('idx_detected').on(t.detectedAt),
    // The spec's partial index (WHERE status = 'open') as a plain composite; it also serves idx_status.
    index('idx_violations_open_detected').on(t.status, t.detectedAt),
    // Serves the FK and the spec's idx_standard as its left prefix.
    index('idx_violations_standard_status').on(t.standardId, t.status),
    foreignKey({
      name: 'fk_metadata_violations_standard',
      columns: [t.standardId],
      foreignColumns: [metadataStandards.id],
    }).onDelete('restrict'),
  ],
);

/**
 * MAC times as DATETIME(6) in UTC: TIMESTAMP cannot hold file times before 1970-01-01 00:00:01 or
 * after 2038, and files carry such times (archives, reproducible builds).
 * The prefix indexes on file_path(255) — the spec's idx_file_path and 1.2.0's per-file history index
 * (project_id, file_path(255), captured_at) — are hand-written migrations (drizzle cannot express prefixes).
 */
export const fileEventTypes = ['add', 'change', 'unlink', 'scan'] as const;

export const filesystemTimestamps = mysqlTable(
  'filesystem_timestamps',
  {
    id: uuidPrimaryKey(),
    filePath: text('file_path').notNull(),
    atime: datetime6('atime').notNull(),
    mtime: datetime6('mtime').notNull(),
    ctime: datetime6('ctime').notNull(),
    capturedAt: createdAt('captured_at'),
    gitCommitSha: varchar('git_commit_sha', { length: 40 }),
    /** Soft reference to projects.id (high-volume capture, no FK). */
    projectId: varchar('project_id', { length: 36 }),
    /** 1.2.0: what the watcher saw; `scan` for a full capture ("Capture now", `cockpit capture`). */
    eventType: mysqlEnum('event_type', fileEventTypes).notNull().default('scan'),
    /** 1.2.0: file size in bytes at capture; null for `unlink`. */
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
  },
  (t) => [index('idx_mtime').on(t.mtime), index('idx_project').on(t.projectId), index('idx_captured').on(t.capturedAt)],
);

export const clockProtocols = ['NTP', 'PTP', 'Browser', 'Server'] as const;

/** Monitoring data: no FK. */
export const clockSyncStatus = mysqlTable(
  'clock_sync_status',
  {
    id: uuidPrimaryKey(),
    componentName: varchar('component_name', { length: 100 }).notNull(),
    protocol: mysqlEnum('protocol', clockProtocols).notNull(),
    /** NTP stratum (0 = reference, 1 = primary, …). */
    stratum: int('stratum'),
    offsetMicroseconds: bigint('offset_microseconds', { mode: 'number' }).notNull(),
    lastSyncAt: timestamp6('last_sync_at').notNull(),
    status: mysqlEnum('status', ['synchronized', 'drifting', 'error']).notNull(),
    errorMessage: text('error_message'),
  },
  (t) => [
    index('idx_component').on(t.componentName),
    index('idx_status').on(t.status),
    index('idx_last_sync').on(t.lastSyncAt),
  ],
);
