import { constants, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { invalid } from '../errors.js';
import { formatKeyRing, generateMasterKey, parseKeyRing, type MasterKey } from './crypto.js';

/** `$XDG_CONFIG_HOME/devguide-cockpit/master.key` (XDG_CONFIG_HOME defaults to ~/.config). */
export function defaultKeyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return path.join(config ?? path.join(homedir(), '.config'), 'devguide-cockpit', 'master.key');
}

export interface CliKeyRing {
  keys: MasterKey[];
  /** Where the keys came from, for messages: `COCKPIT_MASTER_KEY` or the key file path. */
  source: string;
  /** True when this call created the key file. */
  created: boolean;
}

/**
 * The CLI's master key ring: COCKPIT_MASTER_KEY (base64, optionally `v<N>:`-prefixed) wins;
 * otherwise the key file, created with a fresh key (mode 0600, folder 0700) when missing.
 * A key file others can read is refused, as ssh refuses a readable private key.
 */
export function loadCliKeyRing(env: NodeJS.ProcessEnv = process.env, file = defaultKeyFilePath(env)): CliKeyRing {
  const fromEnvironment = env.COCKPIT_MASTER_KEY;
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    return { keys: parseKeyRing(fromEnvironment, 'COCKPIT_MASTER_KEY'), source: 'COCKPIT_MASTER_KEY', created: false };
  }
  let created = false;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // O_EXCL: two processes starting at once never overwrite each other's key.
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeFileSync(fd, formatKeyRing([generateMasterKey(1)]));
    } finally {
      closeSync(fd);
    }
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw invalid(`Cannot create the master key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw invalid(`The master key file ${file} is readable by other users; run \`chmod 600 ${file}\`.`);
  }
  return { keys: parseKeyRing(readFileSync(file, 'utf8'), file), source: file, created };
}

/** Replaces the key file atomically (write + rename), mode 0600. */
export function writeKeyFile(file: string, keys: MasterKey[]): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, formatKeyRing(keys), { mode: 0o600, flag: 'w' });
  renameSync(temporary, file);
}
