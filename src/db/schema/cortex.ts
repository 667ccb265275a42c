import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  decimal,
  foreignKey,
  index,
  int,
  json,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  text,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/mysql-core';
import { bytes, createdAt, datetime6, timestamp6, updatedAt, uuidPrimaryKey } from './columns.js';
import { projects } from './core.js';

/**
 * Time series of AI spend, partitioned by month on `timestamp` (hand-written migration): the
 * partition column is in the primary key and is DATETIME(6) (UTC). `id` leads the key so inserts
 * spread across TiKV regions. `project_id` is a soft reference (no FK: high-throughput writes).
 * Costs are DECIMAL strings in JS, never floats.
 */
export const tokenUsage = mysqlTable(
  'token_usage',
  {
    id: varchar('id', { length: 36 }).notNull(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    provider: varchar('provider', { length: 50 }).notNull(),
    model: varchar('model', { length: 100 }).notNull(),
    /** Uncached input tokens (Anthropic's meaning; OpenAI's input minus its cached part). */
    inputTokens: int('input_tokens').notNull().default(0),
    outputTokens: int('output_tokens').notNull().default(0),
    /** 1.2.0: prompt-cache reads and writes, priced separately from `input_tokens`. */
    cacheReadTokens: int('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: int('cache_write_tokens').notNull().default(0),
    /** Cost at ingestion time, rounded half-up to $0.0001 (see src/core/tokens/money.ts). */
    totalCost: decimal('total_cost', { precision: 10, scale: 4 }).notNull().default('0.0000'),
    /** 1.2.0: false when no price was known for the model: cost 0, shown as "unpriced". */
    priced: boolean('priced').notNull().default(true),
    /** 'chat' | 'estimation' | 'tool_call' */
    operationType: varchar('operation_type', { length: 50 }),
    dashboardContext: varchar('dashboard_context', { length: 100 }),
    /** 1.2.0: where the row came from: 'api', 'claude-code', 'codex', … */
    source: varchar('source', { length: 50 }),
    /** 1.2.0: the branch the agent worked on, when its log says so. */
    gitBranch: varchar('git_branch', { length: 255 }),
    timestamp: datetime6('timestamp')
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(6)`),
  },
  (t) => [
    primaryKey({ name: 'PRIMARY', columns: [t.id, t.timestamp] }),
    // 1.2.0: the spec's (project_id, timestamp) extended to cover the trend, status-bar and
    // per-model aggregates (index-only reads); its prefix still serves every query the old one did.
    index('idx_token_usage_project_time_cover').on(
      t.projectId,
      t.timestamp,
      t.provider,
      t.model,
      t.inputTokens,
      t.outputTokens,
      t.cacheReadTokens,
      t.cacheWriteTokens,
      t.totalCost,
      t.priced,
    ),
    index('idx_provider_timestamp').on(t.provider, t.timestamp),
    index('idx_token_usage_project_provider_timestamp').on(t.projectId, t.provider, t.timestamp),
    // Also serves the spec's idx_model (model) as its left prefix.
    index('idx_token_usage_model_cost').on(t.model, t.totalCost),
  ],
);

/**
 * 1.2.0: how far each log file has been imported, per source, machine and file, so importers
 * resume where they stopped. `size`, `inode` and `head_fingerprint` (sha256 of the first bytes)
 * detect truncation and rotation, which restart the file from offset 0.
 */
export const tokenImportOffsets = mysqlTable(
  'token_import_offsets',
  {
    source: varchar('source', { length: 50 }).notNull(),
    /** os.hostname(): the same path on two machines is two files. */
    host: varchar('host', { length: 255 }).notNull(),
    /** sha256 of file_path (paths are too long for an index key). */
    pathHash: char('path_hash', { length: 64 }).notNull(),
    filePath: text('file_path').notNull(),
    byteOffset: bigint('byte_offset', { mode: 'number' }).notNull().default(0),
    fileSize: bigint('file_size', { mode: 'number' }).notNull().default(0),
    inode: varchar('inode', { length: 40 }),
    fileMtime: datetime6('file_mtime'),
    headFingerprint: char('head_fingerprint', { length: 64 }),
    /** What a stateful log format needs to resume mid-file (Codex: session, model, cumulative totals). */
    parserState: text('parser_state'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ name: 'PRIMARY', columns: [t.source, t.host, t.pathHash] })],
);

export const apiConfigurations = mysqlTable(
  'api_configurations',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    /** 'anthropic' | 'openai' | 'azure' | 'local' | 'vscode-lm' */
    provider: varchar('provider', { length: 50 }).notNull(),
    /** AES-256-GCM envelope (src/core/cortex/crypto.ts); plaintext keys never reach the database. */
    apiKeyEncrypted: bytes('api_key_encrypted', 512),
    /** 1.2.0: endpoint of `local` (OpenAI-compatible) and `azure` providers; NULL = the provider's default. */
    baseUrl: varchar('base_url', { length: 500 }),
    model: varchar('model', { length: 100 }).notNull(),
    temperature: decimal('temperature', { precision: 3, scale: 2 }).default('0.70'),
    maxTokens: int('max_tokens').default(4096),
    enabled: boolean('enabled').notNull().default(true),
    /** Provider fallback order. */
    priority: int('priority').default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('uk_project_provider').on(t.projectId, t.provider),
    index('idx_enabled').on(t.enabled),
    foreignKey({
      name: 'fk_api_configurations_project',
      columns: [t.projectId],
      foreignColumns: [projects.id],
    }).onDelete('cascade'),
  ],
);

export const toolRegistry = mysqlTable(
  'tool_registry',
  {
    id: uuidPrimaryKey(),
    name: varchar('name', { length: 255 }).notNull().unique('uk_name'),
    /** 'file_ops' | 'database' | 'git' | 'ai' | 'external' */
    category: varchar('category', { length: 50 }).notNull(),
    description: text('description').notNull(),
    implementationType: mysqlEnum('implementation_type', ['python', 'api', 'database', 'wasm']).notNull(),
    config: json('config').notNull(),
    isSystem: boolean('is_system').notNull().default(false),
    requiresCapability: varchar('requires_capability', { length: 100 }),
    createdAt: createdAt(),
  },
  (t) => [index('idx_category').on(t.category), index('idx_system').on(t.isSystem)],
);

export const externalToolAccess = mysqlTable(
  'external_tool_access',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    toolId: varchar('tool_id', { length: 36 }).notNull(),
    accessType: mysqlEnum('access_type', ['read', 'write', 'admin']).notNull().default('read'),
    /** OAuth tokens, refresh tokens, scopes — secrets inside are encrypted like API keys. */
    oauthConfig: json('oauth_config'),
    enabled: boolean('enabled').notNull().default(true),
    lastAccessedAt: timestamp6('last_accessed_at'),
    expiresAt: timestamp6('expires_at'),
  },
  (t) => [
    uniqueIndex('uk_project_tool').on(t.projectId, t.toolId),
    index('idx_tool').on(t.toolId),
    index('idx_enabled').on(t.enabled),
    index('idx_expires').on(t.expiresAt),
    foreignKey({
      name: 'fk_external_tool_access_project',
      columns: [t.projectId],
      foreignColumns: [projects.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_external_tool_access_tool',
      columns: [t.toolId],
      foreignColumns: [toolRegistry.id],
    }).onDelete('cascade'),
  ],
);
