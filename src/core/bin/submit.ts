import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import * as z from 'zod';
import type { Db } from '../../db/connection.js';
import { dashboards, modules, profiles, projects, syncBuffer } from '../../db/schema/index.js';
import { writeAudits, type AuditEntry } from '../audit.js';
import { insertRows } from '../bulk.js';
import { invalid, notFound, parseJsonText } from '../errors.js';
import { parseInput } from './input.js';

/**
 * The door's limit: a payload larger than this is refused before it reaches the database. The
 * system `max_size` guardrail (64 KiB) decides what is acceptable; this only protects memory.
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Deeper payloads are refused: every rule walks the payload recursively. */
export const MAX_PAYLOAD_DEPTH = 64;

export interface SubmitChangeInput {
  projectId: string;
  /** e.g. `decision.accepted`, `checklist.completed`, `file.changed`. */
  changeType: string;
  sourceModuleId?: string | null;
  payload: unknown;
  /** Who submits: git user.email, an extension id, `cli:<user>`. */
  actor: string;
}

const submitInput = z.object({
  projectId: z.string().trim().min(1, 'a project id is required').max(36),
  changeType: z
    .string()
    .trim()
    .min(1, 'a change type is required')
    .max(100)
    .regex(
      /^[A-Za-z0-9_-]+(?:[.:/][A-Za-z0-9_-]+)*$/,
      'use letters, digits, _ and -, separated by dots (e.g. decision.accepted)',
    ),
  sourceModuleId: z.string().trim().min(1).max(36).nullish(),
  payload: z.unknown(),
  actor: z.string().trim().min(1, 'an actor is required').max(255),
});

/** Parses a payload given as text (CLI, webview, API) with a message that says where it breaks. */
export function parsePayload(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw invalid(`payload: ${Buffer.byteLength(text, 'utf8')} bytes; the limit is ${MAX_PAYLOAD_BYTES}.`, 'payload');
  }
  return parseJsonText(text, 'payload', 'payload');
}

/** Serializes a payload, refusing what JSON cannot hold faithfully. Returns the JSON and its size. */
export function serializePayload(payload: unknown): { json: string; bytes: number } {
  if (payload === undefined) throw invalid('payload: a JSON value is required.', 'payload');
  const check = (value: unknown, depth: number, path: string): void => {
    if (depth > MAX_PAYLOAD_DEPTH)
      throw invalid(`payload: nested deeper than ${MAX_PAYLOAD_DEPTH} levels at ${path}.`, 'payload');
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        throw invalid(`payload: ${path} is ${value}, which JSON cannot represent.`, 'payload');
      return;
    }
    if (Array.isArray(value)) return value.forEach((v, i) => check(v, depth + 1, `${path}[${i}]`));
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (v !== undefined) check(v, depth + 1, `${path}.${k}`);
      return;
    }
    throw invalid(`payload: ${path} is a ${typeof value}, which JSON cannot represent.`, 'payload');
  };
  let json: string;
  try {
    check(payload, 0, '$');
    json = JSON.stringify(payload);
  } catch (error) {
    if (error instanceof TypeError) throw invalid(`payload: not serializable as JSON (${error.message}).`, 'payload');
    throw error;
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES)
    throw invalid(`payload: ${bytes} bytes; the limit is ${MAX_PAYLOAD_BYTES}.`, 'payload');
  return { json, bytes };
}

/** Submits one change to the Bin: a PENDING row, audited. Returns its id. */
export async function submitChange(db: Db, input: SubmitChangeInput): Promise<string> {
  const [id] = await submitChanges(db, [input]);
  return id!;
}

/** Submits many changes in one transaction (one INSERT, one audit row each); ids in input order. */
export async function submitChanges(db: Db, inputs: SubmitChangeInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input, i) => {
    const fields = parseInput(submitInput, input, inputs.length > 1 ? `changes.${i}` : undefined);
    const { bytes } = serializePayload(fields.payload);
    return { id: randomUUID(), ...fields, sourceModuleId: fields.sourceModuleId ?? null, bytes };
  });
  await checkReferences(db, rows);
  await db.transaction(async (tx) => {
    await insertRows(
      tx,
      syncBuffer,
      rows.map((r) => ({
        id: r.id,
        projectId: r.projectId,
        changeType: r.changeType,
        sourceModuleId: r.sourceModuleId,
        payload: r.payload,
      })),
    );
    await writeAudits(
      tx,
      rows.map((r): AuditEntry => ({
        userId: r.actor,
        action: 'bin.submit',
        resourceType: 'sync_buffer',
        resourceId: r.id,
        status: 'success',
        metadata: {
          projectId: r.projectId,
          changeType: r.changeType,
          sourceModuleId: r.sourceModuleId,
          bytes: r.bytes,
        },
      })),
    );
  });
  return rows.map((r) => r.id);
}

/** The project must exist, and a source module must belong to it. */
async function checkReferences(db: Db, rows: Array<{ projectId: string; sourceModuleId: string | null }>) {
  const projectIds = [...new Set(rows.map((r) => r.projectId))];
  const found = await db.select({ id: projects.id }).from(projects).where(inArray(projects.id, projectIds));
  const known = new Set(found.map((p) => p.id));
  const missing = projectIds.find((id) => !known.has(id));
  if (missing) throw notFound('Project', missing);

  const moduleIds = [...new Set(rows.flatMap((r) => (r.sourceModuleId ? [r.sourceModuleId] : [])))];
  if (moduleIds.length === 0) return;
  const owners = await db
    .select({ id: modules.id, projectId: profiles.projectId })
    .from(modules)
    .innerJoin(dashboards, eq(dashboards.id, modules.dashboardId))
    .innerJoin(profiles, eq(profiles.id, dashboards.profileId))
    .where(inArray(modules.id, moduleIds));
  const ownerOf = new Map(owners.map((o) => [o.id, o.projectId]));
  for (const row of rows) {
    if (!row.sourceModuleId) continue;
    const owner = ownerOf.get(row.sourceModuleId);
    if (!owner) throw notFound('Module', row.sourceModuleId);
    if (owner !== row.projectId) {
      throw invalid(`sourceModuleId: module ${row.sourceModuleId} belongs to another project.`, 'sourceModuleId');
    }
  }
}
