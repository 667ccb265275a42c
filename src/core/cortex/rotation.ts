import { eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { apiConfigurations, externalToolAccess } from '../../db/schema/index.js';
import { audited } from '../audit.js';
import { invalid } from '../errors.js';
import { isSealed, keyId, SecretBox, type MasterKey, type SealedValue } from './crypto.js';

export interface RotationReport {
  apiKeys: number;
  oauthSecrets: number;
  version: number;
  keyId: string;
}

/** Applies `change` to every sealed value inside a JSON document; returns the new document and the count. */
export function mapSealed(document: unknown, change: (value: SealedValue) => SealedValue): [unknown, number] {
  let count = 0;
  const walk = (node: unknown): unknown => {
    if (isSealed(node)) {
      count++;
      return change(node);
    }
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return [walk(document), count];
}

/**
 * Re-encrypts every secret (api_configurations.api_key_encrypted and the sealed values inside
 * external_tool_access.oauth_config) from the keys of `current` to `next`, in ONE transaction:
 * a secret that cannot be decrypted rolls everything back and nothing changes.
 *
 * The caller keeps BOTH keys where it stores them before calling (a crash after the commit must
 * not lose the new key) and drops the old one afterwards.
 */
export async function rotateMasterKey(
  db: Db,
  current: SecretBox,
  next: MasterKey,
  actor: string,
): Promise<RotationReport> {
  if (next.version <= current.primary.version) {
    throw invalid(`The new master key must have a higher version than v${current.primary.version}.`, 'masterKey');
  }
  const target = new SecretBox([next]);
  const metadata = { fromVersion: current.primary.version, toVersion: next.version, toKeyId: keyId(next) };
  return audited(
    db,
    {
      userId: actor,
      action: 'master_key.rotate',
      resourceType: 'master_key',
      resourceId: `v${next.version}`,
      metadata,
    },
    async (tx) => {
      const configs = await tx
        .select({ id: apiConfigurations.id, key: apiConfigurations.apiKeyEncrypted })
        .from(apiConfigurations)
        .where(isNotNull(apiConfigurations.apiKeyEncrypted))
        .for('update');
      for (const row of configs) {
        const reencrypted = target.encrypt(current.decrypt(row.key!));
        await tx
          .update(apiConfigurations)
          .set({ apiKeyEncrypted: reencrypted })
          .where(eq(apiConfigurations.id, row.id));
      }
      const accesses = await tx
        .select({ id: externalToolAccess.id, oauth: externalToolAccess.oauthConfig })
        .from(externalToolAccess)
        .where(isNotNull(externalToolAccess.oauthConfig))
        .for('update');
      let oauthSecrets = 0;
      for (const row of accesses) {
        const [document, count] = mapSealed(row.oauth, (value) => target.seal(current.unseal(value)));
        if (count === 0) continue;
        oauthSecrets += count;
        await tx.update(externalToolAccess).set({ oauthConfig: document }).where(eq(externalToolAccess.id, row.id));
      }
      return { apiKeys: configs.length, oauthSecrets, version: next.version, keyId: keyId(next) };
    },
    (report) => ({ metadata: { ...metadata, apiKeys: report.apiKeys, oauthSecrets: report.oauthSecrets } }),
  );
}
