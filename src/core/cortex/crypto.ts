import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CockpitError, invalid } from '../errors.js';

/**
 * Secrets at rest: AES-256-GCM under a per-installation master key.
 *
 * Envelope (bytes, fits VARBINARY(512)):
 *
 *   "v<N>:"    ASCII key-version prefix (N = 1…999, incremented by every rotation)
 *   key id     4 bytes: SHA-256("devguide-cockpit/key-id" ‖ key)[0..4] — tells "wrong key" from "tampered"
 *   nonce      12 random bytes, new for every value
 *   tag        16-byte GCM authentication tag
 *   ciphertext as long as the UTF-8 plaintext
 *
 * The prefix and key id are authenticated as additional data, so changing any byte fails decryption.
 * A master key travels as text `v<N>:<base64 of 32 bytes>`; bare base64 means version 1.
 */

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 4;
const KEY_BYTES = 32;
/** The width of `api_key_encrypted`. */
export const MAX_ENVELOPE_BYTES = 512;
const MAX_VERSION = 999;

export interface MasterKey {
  version: number;
  key: Buffer;
}

/** The 4-byte fingerprint of a key as hex: safe to show, identifies which key encrypted a value. */
export function keyId(key: MasterKey): string {
  return keyIdBytes(key).toString('hex');
}

function keyIdBytes(key: MasterKey): Buffer {
  return createHash('sha256').update('devguide-cockpit/key-id').update(key.key).digest().subarray(0, KEY_ID_BYTES);
}

export function generateMasterKey(version = 1): MasterKey {
  checkVersion(version);
  return { version, key: randomBytes(KEY_BYTES) };
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw invalid(`A master key version must be an integer from 1 to ${MAX_VERSION}.`, 'masterKey');
  }
}

/** `v<N>:<base64>`: how a master key is kept in SecretStorage, the key file and COCKPIT_MASTER_KEY. */
export function formatMasterKey(key: MasterKey): string {
  return `v${key.version}:${key.key.toString('base64')}`;
}

/**
 * Parses `v<N>:<base64>` or bare base64 (version 1). Errors never echo the text: it is a secret.
 * `source` names where it came from (e.g. "COCKPIT_MASTER_KEY").
 */
export function parseMasterKey(text: string, source: string): MasterKey {
  const match = /^\s*(?:v(\d{1,3}):)?([A-Za-z0-9+/]+={0,2})\s*$/.exec(text);
  const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
  if (!match || !key || key.length !== KEY_BYTES) {
    throw invalid(
      `${source} must hold a master key: 32 bytes in base64 (44 characters), optionally prefixed "v<N>:".`,
      'masterKey',
    );
  }
  const version = match[1] === undefined ? 1 : Number(match[1]);
  checkVersion(version);
  return { version, key };
}

/** Parses a key ring: one key per line, the first one encrypts, all of them decrypt. */
export function parseKeyRing(text: string, source: string): MasterKey[] {
  const keys = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => parseMasterKey(line, source));
  if (keys.length === 0) throw invalid(`${source} holds no master key.`, 'masterKey');
  return keys;
}

export const formatKeyRing = (keys: MasterKey[]): string => keys.map(formatMasterKey).join('\n') + '\n';

const secretError = (message: string) => new CockpitError('forbidden', message, 'masterKey');

/**
 * Encrypts with the first key of the ring and decrypts with whichever key of the ring made the
 * value (found by version and key id). Never returns garbage: a wrong key or a changed byte throws.
 */
export class SecretBox {
  private readonly keys: ReadonlyArray<{ key: MasterKey; id: Buffer }>;

  constructor(keys: MasterKey[]) {
    if (keys.length === 0) throw invalid('A secret box needs at least one master key.', 'masterKey');
    for (const key of keys) {
      checkVersion(key.version);
      if (key.key.length !== KEY_BYTES) throw invalid('A master key must be 32 bytes.', 'masterKey');
    }
    this.keys = keys.map((key) => ({ key, id: keyIdBytes(key) }));
  }

  /** The key that encrypts. */
  get primary(): MasterKey {
    return this.keys[0]!.key;
  }

  encrypt(plaintext: string): Buffer {
    const { key, id } = this.keys[0]!;
    const header = Buffer.concat([Buffer.from(`v${key.version}:`, 'ascii'), id]);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(header);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const envelope = Buffer.concat([header, nonce, cipher.getAuthTag(), ciphertext]);
    if (envelope.length > MAX_ENVELOPE_BYTES) {
      throw invalid(
        `The secret is too long: at most ${MAX_ENVELOPE_BYTES - header.length - NONCE_BYTES - TAG_BYTES} bytes.`,
      );
    }
    return envelope;
  }

  decrypt(envelope: Uint8Array): string {
    const bytes = Buffer.from(envelope);
    const prefix = /^v(\d{1,3}):/.exec(bytes.subarray(0, 5).toString('latin1'));
    if (!prefix || bytes.length < prefix[0].length + KEY_ID_BYTES + NONCE_BYTES + TAG_BYTES) {
      throw secretError('A stored secret is not a Cockpit ciphertext (no "v<N>:" prefix): it is corrupted.');
    }
    const version = Number(prefix[1]);
    let offset = prefix[0].length;
    const header = bytes.subarray(0, offset + KEY_ID_BYTES);
    const id = bytes.subarray(offset, (offset += KEY_ID_BYTES));
    const entry = this.keys.find((k) => k.key.version === version && timingSafeEqual(k.id, id));
    if (!entry) {
      const loaded = this.keys.map((k) => `v${k.key.version} #${k.id.toString('hex')}`).join(', ');
      throw secretError(
        `A stored secret was encrypted with master key v${version} #${id.toString('hex')}, but the loaded key is ${loaded}. ` +
          'Use the master key that encrypted it (SecretStorage, COCKPIT_MASTER_KEY or the key file).',
      );
    }
    const nonce = bytes.subarray(offset, (offset += NONCE_BYTES));
    const tag = bytes.subarray(offset, (offset += TAG_BYTES));
    const decipher = createDecipheriv('aes-256-gcm', entry.key.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(offset)), decipher.final()]).toString('utf8');
    } catch {
      throw secretError('A stored secret failed its integrity check: the ciphertext was changed or corrupted.');
    }
  }

  /** A JSON-safe sealed value (inside `oauth_config`): `{ "$encrypted": "<base64 envelope>" }`. */
  seal(plaintext: string): SealedValue {
    return { $encrypted: this.encrypt(plaintext).toString('base64') };
  }

  unseal(value: SealedValue): string {
    return this.decrypt(Buffer.from(value.$encrypted, 'base64'));
  }
}

export interface SealedValue {
  $encrypted: string;
}

export function isSealed(value: unknown): value is SealedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as SealedValue).$encrypted === 'string' &&
    Object.keys(value).length === 1
  );
}

/** `••••1234`: the most of a secret a person (or a webview) ever sees. */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `••••${secret.slice(-4)}` : '••••';
}
