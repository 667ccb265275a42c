/**
 * A MariaDB server of the suite's own (own data dir, own port), so a test can stop and restart
 * "the database" without touching the shared server on 3306.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const READY_TIMEOUT_MS = 60_000;

export interface PrivateMariaDb {
  port: number;
  /** `mysql://root@127.0.0.1:PORT/` — append a database name. */
  serverUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

export async function startPrivateMariaDb(port: number): Promise<PrivateMariaDb> {
  const root = await mkdtemp(join(tmpdir(), 'cockpit-mariadb-'));
  const dataDir = join(root, 'data');
  await execFileAsync('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  let server: ChildProcess | undefined;

  const start = async () => {
    server = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--user=root',
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        `--socket=${join(root, 'mysqld.sock')}`,
        `--pid-file=${join(root, 'mysqld.pid')}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore', detached: true },
    );
    const child = server;
    process.once('exit', () => child.kill('SIGKILL'));
    await waitForPort(port, child);
  };

  const stop = async () => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
  };

  await start();
  return {
    port,
    serverUrl: `mysql://root@127.0.0.1:${port}/`,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`private mariadbd exited early (${child.exitCode})`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`private mariadbd did not listen on ${port} within ${READY_TIMEOUT_MS} ms`);
}
