import { asc } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { projects } from '../../db/schema/index.js';

/** Projects to pick from (palette commands), by name. */
export async function listProjectChoices(db: Db): Promise<Array<{ id: string; name: string }>> {
  return db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(asc(projects.name)).limit(500);
}
