/** InnoDB (and TiDB) may pick a concurrent transaction as a deadlock victim; it is safe to run again. */
const DEADLOCK = 1213;

function errno(error: unknown): number | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const value = (e as { errno?: unknown }).errno;
    if (typeof value === 'number') return value;
  }
  return undefined;
}

export const isDuplicateKey = (error: unknown) => errno(error) === 1062;
export const isForeignKeyRestrict = (error: unknown) => errno(error) === 1451;

/** Runs a whole transaction again (up to `attempts` times) when the server aborted it as a deadlock victim. */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      const code = errno(error);
      if (attempt >= attempts || code !== DEADLOCK) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
