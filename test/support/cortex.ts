import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/connection.js';
import { projects } from '../../src/db/schema/index.js';

/** A project row to hang AI Cortex rows on. */
export async function createProject(database: Database, name = 'AI Cortex test'): Promise<string> {
  const id = randomUUID();
  await database.db.insert(projects).values({ id, name, ownerUserId: 'dev@example.com' });
  return id;
}

/** Every row of every table as text (a SELECT-based dump), for "the secret is nowhere" checks. */
export async function dumpAllTables(database: Database): Promise<string> {
  const [tables] = await database.pool.query(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  );
  const parts: string[] = [];
  for (const { name } of tables as Array<{ name: string }>) {
    const [rows] = await database.pool.query(`SELECT * FROM \`${name}\``);
    for (const row of rows as Array<Record<string, unknown>>) {
      for (const value of Object.values(row)) {
        // Binary columns both as raw bytes (latin1) and as UTF-8, JSON as its text.
        if (Buffer.isBuffer(value)) parts.push(value.toString('latin1'), value.toString('utf8'));
        else parts.push(typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
  }
  return parts.join('\n');
}
