import { sql } from 'drizzle-orm';
import { foreignKey, index, int, json, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { createdAt, timestamp6, uuidPrimaryKey } from './columns.js';
import { projects } from './core.js';

export const contextWindows = mysqlTable(
  'context_windows',
  {
    id: uuidPrimaryKey(),
    projectId: varchar('project_id', { length: 36 }).notNull(),
    conversationHistory: json('conversation_history').notNull(),
    currentTokens: int('current_tokens').notNull(),
    maxTokens: int('max_tokens').notNull().default(200000),
    lastMessageAt: timestamp6('last_message_at')
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(6)`),
  },
  (t) => [
    index('idx_project').on(t.projectId),
    foreignKey({ name: 'fk_context_windows_project', columns: [t.projectId], foreignColumns: [projects.id] }).onDelete(
      'cascade',
    ),
  ],
);

export const cachedResponses = mysqlTable(
  'cached_responses',
  {
    id: uuidPrimaryKey(),
    // The UNIQUE key is the hash lookup index; the spec's extra idx_hash duplicated it.
    promptHash: varchar('prompt_hash', { length: 64 }).notNull().unique('uk_prompt_hash'),
    prompt: text('prompt').notNull(),
    response: json('response').notNull(),
    provider: varchar('provider', { length: 100 }).notNull(),
    createdAt: createdAt(),
    hitCount: int('hit_count').default(0),
  },
  (t) => [index('idx_provider').on(t.provider), index('idx_created').on(t.createdAt)],
);
