import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './connection.js';
import { guardrails, metadataStandards, templates, toolRegistry } from './schema/index.js';
import { SEED_GUARDRAILS, SEED_STANDARDS, SEED_TOOLS, SEED_WORKFLOW_TEMPLATES } from './seed-data.js';

/**
 * Inserts the seed rows that are missing. Values (regexes included) travel as bound parameters,
 * never inside SQL literals, where MySQL would eat the backslashes of `\d`. Existing rows — also
 * ones the user edited — are left as they are.
 */
export async function seed(database: Database): Promise<void> {
  const { db } = database;
  const keep = { set: { id: sql`id` } };
  await db.transaction(async (tx) => {
    await tx
      .insert(metadataStandards)
      .values([...SEED_STANDARDS])
      .onDuplicateKeyUpdate(keep);
    // applies_to came with model 1.2.0: seeded standards created before it get their targets once.
    for (const standard of SEED_STANDARDS) {
      if (standard.appliesTo === null) continue;
      await tx
        .update(metadataStandards)
        .set({ appliesTo: standard.appliesTo })
        .where(and(eq(metadataStandards.id, standard.id), isNull(metadataStandards.appliesTo)));
    }
    await tx
      .insert(guardrails)
      .values(SEED_GUARDRAILS.map((g) => ({ ...g, projectId: null, enabled: true })))
      .onDuplicateKeyUpdate(keep);
    await tx
      .insert(templates)
      .values(
        SEED_WORKFLOW_TEMPLATES.map((t) => ({
          ...t,
          category: 'workflow',
          createdBy: 'system',
          communityApproved: true,
        })),
      )
      .onDuplicateKeyUpdate(keep);
    await tx
      .insert(toolRegistry)
      .values(SEED_TOOLS.map((t) => ({ ...t, isSystem: true })))
      .onDuplicateKeyUpdate(keep);
  });
}
