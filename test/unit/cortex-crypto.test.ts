import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  formatMasterKey,
  generateMasterKey,
  keyId,
  maskSecret,
  parseMasterKey,
  SecretBox,
  MAX_ENVELOPE_BYTES,
} from '../../src/core/cortex/crypto.js';
import { defaultKeyFilePath, loadCliKeyRing } from '../../src/core/cortex/key-file.js';

const PLAINTEXT = 'sk-ant-api03-SECRET-0123456789abcdef';

describe('cortex encryption (AES-256-GCM envelope)', () => {
  const key = generateMasterKey(1);
  const box = new SecretBox([key]);

  it('round-trips, with a fresh nonce per value and the v<N>: prefix', () => {
    const a = box.encrypt(PLAINTEXT);
    const b = box.encrypt(PLAINTEXT);
    assert.notDeepEqual(a, b, 'same plaintext → different ciphertexts');
    assert.equal(a.subarray(0, 3).toString('ascii'), 'v1:');
    assert.equal(a.length, 3 + 4 + 12 + 16 + Buffer.byteLength(PLAINTEXT));
    assert.ok(!a.includes(Buffer.from(PLAINTEXT)), 'no plaintext inside');
    assert.equal(box.decrypt(a), PLAINTEXT);
    assert.equal(box.decrypt(b), PLAINTEXT);
  });

  it('detects tampering with any byte of the envelope', () => {
    const envelope = box.encrypt(PLAINTEXT);
    for (const index of [3, 8, 20, 30, envelope.length - 1]) {
      const tampered = Buffer.from(envelope);
      tampered[index]! ^= 0x01;
      assert.throws(
        () => box.decrypt(tampered),
        (error: Error) =>
          /integrity check|encrypted with master key/.test(error.message) && !error.message.includes(PLAINTEXT),
      );
    }
    assert.throws(() => box.decrypt(Buffer.from('garbage')), /not a Cockpit ciphertext/);
    assert.throws(() => box.decrypt(envelope.subarray(0, 20)), /not a Cockpit ciphertext/);
  });

  it('refuses a wrong master key with a message naming both keys, never the secret', () => {
    const other = new SecretBox([generateMasterKey(1)]);
    assert.throws(
      () => other.decrypt(box.encrypt(PLAINTEXT)),
      (error: Error) =>
        error.message.includes(`#${keyId(key)}`) &&
        /loaded key is v1/.test(error.message) &&
        !error.message.includes(PLAINTEXT),
    );
  });

  it('decrypts with any key of the ring and encrypts with the first', () => {
    const next = generateMasterKey(2);
    const ring = new SecretBox([next, key]);
    const old = box.encrypt(PLAINTEXT);
    assert.equal(ring.decrypt(old), PLAINTEXT);
    const fresh = ring.encrypt(PLAINTEXT);
    assert.equal(fresh.subarray(0, 3).toString('ascii'), 'v2:');
    assert.throws(() => box.decrypt(fresh), /master key v2/);
  });

  it('bounds the envelope to VARBINARY(512)', () => {
    assert.ok(box.encrypt('x'.repeat(477)).length <= MAX_ENVELOPE_BYTES);
    assert.throws(() => box.encrypt('x'.repeat(478)), /too long/);
  });

  it('seals values for JSON and masks secrets for display', () => {
    const sealed = box.seal(PLAINTEXT);
    assert.deepEqual(Object.keys(sealed), ['$encrypted']);
    assert.equal(box.unseal(sealed), PLAINTEXT);
    assert.equal(maskSecret(PLAINTEXT), '••••cdef');
    assert.equal(maskSecret('short'), '••••');
  });

  it('parses master keys as v<N>:base64 or bare base64, never echoing bad input', () => {
    const text = formatMasterKey(generateMasterKey(7));
    assert.equal(parseMasterKey(text, 'X').version, 7);
    assert.equal(parseMasterKey(text.slice(3), 'X').version, 1);
    assert.throws(
      () => parseMasterKey('not-a-key-SECRETISH', 'COCKPIT_MASTER_KEY'),
      (error: Error) =>
        /COCKPIT_MASTER_KEY must hold a master key/.test(error.message) && !error.message.includes('SECRETISH'),
    );
    assert.throws(() => parseMasterKey(Buffer.alloc(16).toString('base64'), 'X'), /32 bytes/);
  });
});

describe('CLI master key', () => {
  it('prefers COCKPIT_MASTER_KEY', () => {
    const key = generateMasterKey(3);
    const ring = loadCliKeyRing({ COCKPIT_MASTER_KEY: formatMasterKey(key) }, '/nonexistent/master.key');
    assert.equal(ring.source, 'COCKPIT_MASTER_KEY');
    assert.deepEqual(ring.keys[0]!.key, key.key);
  });

  it('creates the key file under XDG_CONFIG_HOME with mode 0600 once, and refuses a readable one', () => {
    const config = mkdtempSync(path.join(tmpdir(), 'cockpit-key-'));
    const file = defaultKeyFilePath({ XDG_CONFIG_HOME: config });
    assert.equal(file, path.join(config, 'devguide-cockpit', 'master.key'));
    const first = loadCliKeyRing({ XDG_CONFIG_HOME: config });
    assert.equal(first.created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    const second = loadCliKeyRing({ XDG_CONFIG_HOME: config });
    assert.equal(second.created, false);
    assert.deepEqual(second.keys[0]!.key, first.keys[0]!.key);
    assert.match(readFileSync(file, 'utf8'), /^v1:[A-Za-z0-9+/]{43}=\n$/);

    chmodSync(file, 0o644);
    assert.throws(() => loadCliKeyRing({ XDG_CONFIG_HOME: config }), /readable by other users; run `chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, 'broken');
    assert.throws(() => loadCliKeyRing({ XDG_CONFIG_HOME: config }), /must hold a master key/);
  });
});
