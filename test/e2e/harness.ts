/**
 * Drives a real VS Code (code-server) in headless Chromium for end-to-end tests.
 *
 * Start one instance per suite (a start costs ~10 s), not per test:
 *
 *   const vscode = await startCodeServer({ vsixPath, workspaceDir, suite: 'cockpit' });
 *   await vscode.runCommand('Cockpit: Open');
 *   await vscode.webviewFrame('publisher.name').getByText('…').waitFor();
 *   await vscode.stop({ failed });   // failed → screenshots and logs kept in artifacts/<suite>/
 *
 * Every process runs with a throw-away HOME, so nothing touches the real profile.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { ensureInstalled, type E2EPaths } from './setup.ts';

const execFileAsync = promisify(execFile);

const ARTIFACTS_DIR = fileURLToPath(new URL('./artifacts/', import.meta.url));

const INSTALL_EXTENSION_TIMEOUT_MS = 120_000;
const SERVER_READY_TIMEOUT_MS = 60_000;
const WORKBENCH_TIMEOUT_MS = 90_000;
/** Contributed commands show up only once the extension host has scanned extensions (~10 s). */
const COMMAND_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** Hard cap on a server's life, so a test process killed without cleanup leaves nothing running. */
const DEFAULT_MAX_LIFETIME_MS = 60 * 60_000;

/** Keeps the screen clean and everything offline: no telemetry, updates, start page, AI or tips. */
const BASE_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Resolve no host name at all: the page must only ever talk to code-server on 127.0.0.1.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export interface StartOptions {
  vsixPath: string;
  /** Other extensions installed beside it (e.g. a second extension the Cockpit orchestrates). */
  extraVsixPaths?: string[];
  workspaceDir: string;
  /** User settings merged over the clean defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Name of the artifacts sub-folder kept when the suite fails. */
  suite?: string;
  maxLifetimeMs?: number;
}

export interface LogPaths {
  /** code-server's own stdout and stderr. */
  server: string;
  /** Output of `--install-extension`. */
  installExtension: string;
  /** Extension host logs, including the extensions' output channels. */
  extensionHost: string[];
  /** Every log file below the user-data dir. */
  all: string[];
}

export interface StartTimings {
  installExtensionMs: number;
  serverReadyMs: number;
  workbenchMs: number;
}

export interface CodeServer {
  page: Page;
  /** Base URL of the server, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  timings: StartTimings;
  /** Runs a command from the palette; resolves with the moment (performance.now()) it was invoked. */
  runCommand(title: string): Promise<number>;
  webviewFrame(extensionId: string): FrameLocator;
  statusBarItem(textOrRegex: string | RegExp): Locator;
  reloadWindow(): Promise<void>;
  screenshot(name: string): Promise<string>;
  logs(): Promise<LogPaths>;
  /**
   * Runs an extension test suite in a new window of this server, as `@vscode/test-electron` runs one
   * in a desktop VS Code; see runExtensionTests.
   */
  runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsResult>;
  /** Idempotent. With `failed`, keeps screenshots and logs in `test/e2e/artifacts/<suite>/`. */
  stop(options?: { failed?: boolean }): Promise<void>;
}

export interface ExtensionTestsOptions {
  /** The installed extension the suite tests (it becomes the window's development extension). */
  extensionId: string;
  /** A CommonJS module exporting `run(): Promise<void>`, on this machine. */
  testsPath: string;
  workspaceDir: string;
  /** Environment for the extension host (`extensionTestsEnv` of test-electron). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ExtensionTestsResult {
  /** What VS Code reports when the suite ends: 0 when `run()` resolved. */
  exitCode: number;
  /** The lines the extension host logged meanwhile (the suite's console output among them). */
  output: string[];
}

interface Dirs {
  root: string;
  home: string;
  userData: string;
  extensions: string;
  screenshots: string;
  tmp: string;
}

interface RunState {
  dirs: Dirs;
  suite: string;
  stopped: boolean;
  server?: ChildProcess;
  browser?: Browser;
  page?: Page;
}

export interface ServedCodeServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** The URL that opens the workspace folder. */
  workspaceUrl: string;
  stop(): Promise<void>;
}

/**
 * Installs the VSIX into a throw-away profile and serves code-server, without a browser: what
 * `npm start` uses so a developer opens the printed URL in their own browser.
 */
export async function serveCodeServer(options: StartOptions & { port?: number }): Promise<ServedCodeServer> {
  await access(options.vsixPath).catch(() => {
    throw new Error(`VSIX not found: ${options.vsixPath}`);
  });
  const paths = await ensureInstalled();
  const dirs = await makeDirs();
  const env = isolatedEnv(dirs, options.env);
  await writeUserSettings(dirs, { ...BASE_SETTINGS, ...options.settings });
  const state: RunState = { dirs, suite: options.suite ?? 'serve', stopped: false };
  try {
    await installExtension(paths, dirs, env, options.vsixPath);
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    state.server = spawnServer(paths, dirs, env, port, options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS);
    await waitForHealthz(url, state.server);
    return {
      url,
      workspaceUrl: `${url}/?folder=${encodeURIComponent(options.workspaceDir)}`,
      stop: () => stop(state, false),
    };
  } catch (error) {
    await stop(state, true);
    throw error;
  }
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  await access(options.vsixPath).catch(() => {
    throw new Error(`VSIX not found: ${options.vsixPath}`);
  });
  const paths = await ensureInstalled();
  const dirs = await makeDirs();
  const env = isolatedEnv(dirs, options.env);
  await writeUserSettings(dirs, { ...BASE_SETTINGS, ...options.settings });

  const state: RunState = { dirs, suite: options.suite ?? 'default', stopped: false };
  try {
    let started = Date.now();
    for (const vsix of [options.vsixPath, ...(options.extraVsixPaths ?? [])])
      await installExtension(paths, dirs, env, vsix);
    const installExtensionMs = Date.now() - started;

    started = Date.now();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    state.server = spawnServer(paths, dirs, env, port, options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS);
    await waitForHealthz(url, state.server);
    const serverReadyMs = Date.now() - started;

    started = Date.now();
    state.browser = await chromium.launch({
      executablePath: paths.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      env,
      timeout: 60_000,
    });
    const context = await state.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    state.page = await context.newPage();
    await state.page.goto(`${url}/?folder=${encodeURIComponent(options.workspaceDir)}`, {
      timeout: WORKBENCH_TIMEOUT_MS,
    });
    await waitForWorkbench(state.page);
    const workbenchMs = Date.now() - started;

    return session(state, state.page, url, { installExtensionMs, serverReadyMs, workbenchMs });
  } catch (error) {
    await stop(state, true);
    throw error;
  }
}

function session(state: RunState, page: Page, url: string, timings: StartTimings): CodeServer {
  const runCommand = (title: string): Promise<number> => runPaletteCommand(page, title);
  return {
    page,
    url,
    timings,
    runCommand,
    webviewFrame: (extensionId) =>
      page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).frameLocator('iframe#active-frame'),
    statusBarItem: (textOrRegex) => statusBarItem(page, textOrRegex),
    reloadWindow: async () => {
      await Promise.all([
        page.waitForEvent('load', { timeout: WORKBENCH_TIMEOUT_MS }),
        runCommand('Developer: Reload Window'),
      ]);
      await waitForWorkbench(page);
    },
    screenshot: (name) => screenshot(state, name),
    logs: () => logPaths(state.dirs),
    runExtensionTests: (options) => runExtensionTests(state, url, options),
    stop: (opts) => stop(state, opts?.failed ?? false),
  };
}

async function makeDirs(): Promise<Dirs> {
  const root = await mkdtemp(join(tmpdir(), 'devguide-e2e-'));
  const dirs: Dirs = {
    root,
    home: join(root, 'home'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    screenshots: join(root, 'screenshots'),
    tmp: join(root, 'tmp'),
  };
  for (const dir of [dirs.home, dirs.userData, dirs.extensions, dirs.screenshots, dirs.tmp]) {
    await mkdir(dir, { recursive: true });
  }
  return dirs;
}

/**
 * The caller's environment with a throw-away HOME/XDG/TMPDIR. Variables of an enclosing VS Code or
 * code-server are dropped: with them code-server would hand its arguments to that instance.
 */
function isolatedEnv(dirs: Dirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VSCODE_|CODE_SERVER_|ELECTRON_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
    // Point the marketplace at a closed local port instead of letting it look up open-vsx.org.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: 'http://127.0.0.1:9/gallery',
      itemUrl: 'http://127.0.0.1:9/item',
    }),
    ...extra,
  };
}

async function writeUserSettings(dirs: Dirs, settings: Record<string, unknown>): Promise<void> {
  const userDir = join(dirs.userData, 'User');
  await mkdir(userDir, { recursive: true });
  await writeFile(join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function serverArgs(paths: E2EPaths, dirs: Dirs): string[] {
  return [paths.codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

async function installExtension(paths: E2EPaths, dirs: Dirs, env: NodeJS.ProcessEnv, vsixPath: string): Promise<void> {
  const logFile = join(dirs.root, 'install-extension.log');
  const args = [...serverArgs(paths, dirs), '--install-extension', vsixPath];
  try {
    const { stdout, stderr } = await execFileAsync(paths.node, args, {
      env,
      timeout: INSTALL_EXTENSION_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    await writeFile(logFile, stdout + stderr);
    // code-server exits 0 even when the VSIX is rejected; only this line means success.
    if (!/successfully installed/i.test(stdout)) {
      throw new Error(`code-server did not install ${vsixPath}:\n${stdout}${stderr}`);
    }
  } catch (error) {
    await writeFile(logFile, String(error));
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('No free port found'))));
    });
  });
}

function spawnServer(
  paths: E2EPaths,
  dirs: Dirs,
  env: NodeJS.ProcessEnv,
  port: number,
  maxLifetimeMs: number,
): ChildProcess {
  const args = [
    ...serverArgs(paths, dirs),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const log = createWriteStream(join(dirs.root, 'code-server.log'));
  // `timeout` bounds the server's life even if this process dies without calling stop(); code-server
  // and its extension hosts exit when their parent goes. Own process group: stop() kills it whole.
  const server = spawn('timeout', ['--kill-after=10', `${Math.ceil(maxLifetimeMs / 1000)}`, paths.node, ...args], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  const killOnExit = (): void => killGroup(server, 'SIGKILL');
  process.once('exit', killOnExit);
  server.once('exit', () => process.off('exit', killOnExit));
  return server;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHealthz(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`code-server exited early (${server.exitCode ?? server.signalCode}); see code-server.log`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${SERVER_READY_TIMEOUT_MS} ms`);
}

async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
}

/**
 * Runs a command through the palette. The palette lists a contributed command only after the
 * extension host registered it and does not refresh an open list, so the query is retyped until
 * the row shows up. The exact row is clicked: Enter would run the first, fuzzy-matched, row.
 * Resolves with the moment (performance.now()) the row was clicked.
 */
async function runPaletteCommand(page: Page, title: string): Promise<number> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!(await input.isVisible())) await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
    if (await input.isVisible()) {
      // Clearing first guarantees a change, so the palette queries the commands again.
      await input.fill('');
      await input.fill(`>${title}`);
      try {
        await row.first().waitFor({ state: 'visible', timeout: 3000 });
        const clickedAt = performance.now();
        await row.first().click();
        // Ran when the palette closed, or when the command opened a quick input of its own in it.
        await page.waitForFunction(
          (typed) => {
            const box = document.querySelector<HTMLInputElement>('.quick-input-widget input.input');
            return !box || box.offsetParent === null || box.value !== typed;
          },
          `>${title}`,
          { timeout: 5000 },
        );
        return clickedAt;
      } catch {
        // Not registered yet (or the palette lost focus): retype.
      }
    }
  }
  throw new Error(`Command "${title}" did not show up in the command palette within ${COMMAND_TIMEOUT_MS} ms`);
}

/**
 * VS Code's own extension-test mode in a new window: the workbench URL's payload names the
 * development extension and the suite, the extension host loads the suite and calls `run()`, then
 * reports its exit code to `codeAutomationExit`. The web workbench honours that payload only with
 * its smoke-test flag, which code-server's command line refuses, so the page sets it in the
 * workbench's configuration before the workbench reads it.
 */
async function runExtensionTests(
  state: RunState,
  url: string,
  options: ExtensionTestsOptions,
): Promise<ExtensionTestsResult> {
  if (!state.browser) throw new Error('No browser to open the test window in');
  const installed = (await readdir(state.dirs.extensions)).find((name) =>
    name.toLowerCase().startsWith(`${options.extensionId.toLowerCase()}-`),
  );
  if (!installed) throw new Error(`${options.extensionId} is not installed in this server`);
  const remote = (path: string) => `vscode-remote://${new URL(url).host}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(join(state.dirs.extensions, installed))],
    ['extensionTestsPath', remote(options.testsPath)],
    ['extensionEnvironment', JSON.stringify(options.env ?? {})],
  ];
  const page = await state.browser.newPage();
  const output: string[] = [];
  // Logged lines arrive as "%c INFO color: #33f <text>"; the text is what matters.
  page.on('console', (message) => output.push(message.text().replace(/^%c\s+\w+\s+color:\s*\S+\s*/, '')));
  try {
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.addInitScript(() => {
      const observer = new MutationObserver(() => {
        const meta = document.getElementById('vscode-workbench-web-configuration');
        const settings = meta?.getAttribute('data-settings');
        if (!meta || !settings) return;
        observer.disconnect();
        const config = JSON.parse(settings) as { developmentOptions?: Record<string, unknown> };
        config.developmentOptions = { ...config.developmentOptions, enableSmokeTestDriver: true };
        meta.setAttribute('data-settings', JSON.stringify(config));
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    await page.goto(
      `${url}/?folder=${encodeURIComponent(options.workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
      { timeout: WORKBENCH_TIMEOUT_MS },
    );
    const timeoutMs = options.timeoutMs ?? 180_000;
    const timer = new AbortController();
    const exitCode = await Promise.race([
      exited,
      sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => undefined),
    ]).finally(() => timer.abort());
    if (exitCode === undefined) {
      throw new Error(`The extension tests did not finish within ${timeoutMs} ms:\n${output.join('\n')}`);
    }
    return { exitCode, output };
  } finally {
    await withTimeout(page.close(), STOP_TIMEOUT_MS);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `$(icon) text` is matched as the text plus the rendered `codicon-icon` span. */
function statusBarItem(page: Page, textOrRegex: string | RegExp): Locator {
  const items = page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
  if (textOrRegex instanceof RegExp) return items.filter({ hasText: textOrRegex });
  let locator = items;
  const icons = [...textOrRegex.matchAll(/\$\(([\w-]+)(?:~[\w-]+)?\)/g)].map((m) => m[1]);
  for (const icon of icons) locator = locator.filter({ has: page.locator(`.codicon-${icon}`) });
  const text = textOrRegex.replace(/\$\([\w~-]+\)/g, '').trim();
  return text ? locator.filter({ hasText: text }) : locator;
}

async function screenshot(state: RunState, name: string): Promise<string> {
  if (!state.page) throw new Error('No page to take a screenshot of');
  const file = join(state.dirs.screenshots, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await state.page.screenshot({ path: file, timeout: 10_000 });
  return file;
}

async function logPaths(dirs: Dirs): Promise<LogPaths> {
  const logsDir = join(dirs.userData, 'logs');
  const entries = await readdir(logsDir, { recursive: true }).catch(() => []);
  const all = entries.filter((file) => file.endsWith('.log')).map((file) => join(logsDir, file));
  return {
    server: join(dirs.root, 'code-server.log'),
    installExtension: join(dirs.root, 'install-extension.log'),
    extensionHost: all.filter((file) => /[\\/]exthost\d*[\\/]/.test(file)),
    all,
  };
}

async function stop(state: RunState, failed: boolean): Promise<void> {
  if (state.stopped) return;
  state.stopped = true;
  if (failed) await screenshot(state, 'at-stop').catch(() => undefined);
  await withTimeout(state.browser?.close(), STOP_TIMEOUT_MS);
  if (state.server) await stopServer(state.server);
  if (failed) await keepArtifacts(state);
  await rm(state.dirs.root, { recursive: true, force: true, maxRetries: 3 });
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  killGroup(server, 'SIGTERM');
  if (!(await withTimeout(exited, STOP_TIMEOUT_MS))) killGroup(server, 'SIGKILL');
  // The group may outlive its leader (extension host, pty host): make sure none is left.
  try {
    if (server.pid !== undefined) process.kill(-server.pid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
}

/** Resolves to whether `promise` settled in time; never rejects. */
async function withTimeout(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (!promise) return true;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return result;
}

async function keepArtifacts(state: RunState): Promise<void> {
  const target = join(ARTIFACTS_DIR, state.suite.replace(/[^\w.-]+/g, '_'));
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await cp(state.dirs.screenshots, join(target, 'screenshots'), { recursive: true });
  for (const file of ['code-server.log', 'install-extension.log']) {
    await cp(join(state.dirs.root, file), join(target, file)).catch(() => undefined);
  }
  await cp(join(state.dirs.userData, 'logs'), join(target, 'logs'), { recursive: true }).catch(() => undefined);
  console.error(`[e2e] kept screenshots and logs in ${target}`);
}

/**
 * Resolves once `locator` is visible, checking every ~10 ms: locator.waitFor() checks 0, 20, 70, 170
 * and 270 ms after it starts and then every 500 ms, so a time measured with it is rounded up to
 * that grid (a page visible 300 ms after the command was measured as ~770 ms).
 */
export async function whenVisible(locator: Locator, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await locator.isVisible().catch(() => false))) {
    if (performance.now() > deadline) throw new Error(`${locator} was not visible within ${timeoutMs} ms.`);
    await sleep(10);
  }
}

/**
 * A temp folder that is a git repository with one commit. Global and system git config are
 * ignored so the developer's hooks, signing or templates cannot interfere.
 */
export async function makeGitWorkspace(
  files: Record<string, string> = { 'README.md': '# e2e workspace\n' },
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devguide-e2e-workspace-'));
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, content);
  }
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]): Promise<unknown> => execFileAsync('git', args, { cwd: dir, env, timeout: 30_000 });
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.email', 'e2e@example.invalid');
  await git('config', 'user.name', 'E2E Test');
  await git('config', 'commit.gpgsign', 'false');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'Initial commit');
  return dir;
}
