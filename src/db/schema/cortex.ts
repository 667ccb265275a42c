import { sql } from 'drizzle-orm';
import {
  boolean,
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
    inputTokens: int('input_tokens').notNull().default(0),
    outputTokens: int('output_tokens').notNull().default(0),
    totalCost: decimal('total_cost', { precision: 10, scale: 4 }).notNull().default('0.0000'),
    /** 'chat' | 'estimation' | 'tool_call' */
    operationType: varchar('operation_type', { length: 50 }),
    dashboardContext: varchar('dashboard_context', { length: 100 }),
    timestamp: datetime6('timestamp')
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(6)`),
  },
  (t) => [
    primaryKey({ name: 'PRIMARY', columns: [t.id, t.timestamp] }),
    index('idx_project_timestamp').on(t.projectId, t.timestamp),
    index('idx_provider_timestamp').on(t.provider, t.timestamp),
    index('idx_token_usage_project_provider_timestamp').on(t.projectId, t.provider, t.timestamp),
    // Also serves the spec's idx_model (model) as its left prefix.
    index('idx_token_usage_model_cost').on(t.model, t.totalCost),
  ],
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
