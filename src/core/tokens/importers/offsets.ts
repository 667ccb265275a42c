import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/connection.js';
import { tokenImportOffsets } from '../../../db/schema/index.js';

/** How many leading bytes identify a file across appends (a rotated or rewritten file differs here). */
export const FINGERPRINT_BYTES = 1024;

export interface FileIdentity {
  size: number;
  inode: string;
  /** UTC DATETIME(6) string of the mtime (microseconds from mtimeNs, never rounded through a Date). */
  mtime: string;
}

export interface StoredOffset {
  byteOffset: number;
  fileSize: number;
  inode: string | null;
  headFingerprint: string | null;
  parserState: string | null;
}

export interface OffsetKey {
  source: string;
  host: string;
  filePath: string;
}

export const pathHash = (filePath: string) => createHash('sha256').update(filePath, 'utf8').digest('hex');

/** sha256 of the first min(FINGERPRINT_BYTES, length) bytes. */
export async function headFingerprint(filePath: string, length: number): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(FINGERPRINT_BYTES, length));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

export function mtimeFromNs(mtimeNs: bigint): string {
  const ms = Number(mtimeNs / 1_000_000n);
  const micros = (mtimeNs / 1000n) % 1_000_000n;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${micros.toString().padStart(6, '0')}`;
}

/** Every stored offset of one source on one machine, by path hash: one query for thousands of files. */
export async function loadOffsets(db: Db, source: string, host: string): Promise<Map<string, StoredOffset>> {
  const rows = await db
    .select({
      pathHash: tokenImportOffsets.pathHash,
      byteOffset: tokenImportOffsets.byteOffset,
      fileSize: tokenImportOffsets.fileSize,
      inode: tokenImportOffsets.inode,
      headFingerprint: tokenImportOffsets.headFingerprint,
      parserState: tokenImportOffsets.parserState,
    })
    .from(tokenImportOffsets)
    .where(and(eq(tokenImportOffsets.source, source), eq(tokenImportOffsets.host, host)));
  return new Map(rows.map(({ pathHash: hash, ...offset }) => [hash, offset]));
}

/**
 * Where to resume: 0 when the file is new, was truncated (smaller than the offset), was replaced
 * (other inode) or rewritten (its first bytes changed); otherwise the stored offset.
 */
export async function resumePoint(
  filePath: string,
  identity: FileIdentity,
  stored: StoredOffset | undefined,
): Promise<{ offset: number; restarted: boolean; parserState: string | null }> {
  if (!stored) return { offset: 0, restarted: false, parserState: null };
  const fresh = { offset: 0, restarted: true, parserState: null };
  if (stored.inode !== null && stored.inode !== identity.inode) return fresh;
  if (identity.size < stored.byteOffset) return fresh;
  if (stored.headFingerprint !== null) {
    const now = await headFingerprint(filePath, Math.min(FINGERPRINT_BYTES, stored.byteOffset));
    if (now !== stored.headFingerprint) return fresh;
  }
  return { offset: stored.byteOffset, restarted: false, parserState: stored.parserState };
}

/**
 * Stores how far a file was imported and returns the head fingerprint it stored. `knownHead`, a
 * fingerprint this import already computed at FINGERPRINT_BYTES or more, is reused: the head of a
 * file being appended to does not change, so it is not read and hashed again for every batch.
 */
export async function saveOffset(
  db: Db,
  key: OffsetKey,
  identity: FileIdentity,
  byteOffset: number,
  parserState: string | null,
  knownHead?: string,
): Promise<string | undefined> {
  const fingerprint =
    knownHead !== undefined && byteOffset >= FINGERPRINT_BYTES
      ? knownHead
      : await headFingerprint(key.filePath, Math.min(FINGERPRINT_BYTES, byteOffset));
  const values = {
    byteOffset,
    fileSize: identity.size,
    inode: identity.inode,
    fileMtime: identity.mtime,
    headFingerprint: fingerprint,
    parserState,
  };
  await db
    .insert(tokenImportOffsets)
    .values({ source: key.source, host: key.host, pathHash: pathHash(key.filePath), filePath: key.filePath, ...values })
    .onDuplicateKeyUpdate({ set: { ...values, updatedAt: sql`CURRENT_TIMESTAMP(6)` } });
  return byteOffset >= FINGERPRINT_BYTES ? fingerprint : undefined;
}
