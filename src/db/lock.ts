import type { Pool } from 'mysql2/promise';
import type { Db } from './connection.js';

export interface LockOptions {
  timeoutSeconds: number;
  /** The error's message when the lock stays taken for timeoutSeconds. */
  busyMessage: string;
}

/** The last turn queued per lock name in this process. */
const turns = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while this process holds the database's named lock `name` (GET_LOCK: MySQL, MariaDB,
 * and TiDB ≥ 6.1, where it holds cluster-wide), on a connection of its own: processes and windows
 * doing the same thing take turns, and what `work` commits is committed before the next one starts.
 * Callers in this process queue here first, so that waiting never holds more than one pooled
 * connection per name (a pool full of waiters would leave the holder none to work with). Rejects
 * with `busyMessage` when the lock stays taken for `timeoutSeconds`. Names are at most 64 characters.
 */
export function withNamedLock<T>(pool: Pool, name: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const run = () => holding(pool, name, options, work);
  const turn = (turns.get(name) ?? Promise.resolve()).then(run, run);
  const settled = turn.catch(() => undefined);
  turns.set(name, settled);
  void settled.then(() => {
    if (turns.get(name) === settled) turns.delete(name);
  });
  return turn;
}

async function holding<T>(pool: Pool, name: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const connection = await pool.getConnection();
  try {
    const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS locked', [name, options.timeoutSeconds]);
    if ((rows as Array<{ locked: number | null }>)[0]?.locked !== 1) throw new Error(options.busyMessage);
    try {
      return await work();
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    connection.release();
  }
}

/** The pool under a drizzle database made by `connect()` (drizzle keeps its client as `$client`). */
export function poolOf(db: Db): Pool {
  return (db as Db & { $client: Pool }).$client;
}
