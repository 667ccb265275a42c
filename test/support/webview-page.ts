/**
 * A built webview (dist/webview/<view>.js — needs `npm run build`) in headless Chromium, under the
 * production CSP, with a fake VS Code host: `acquireVsCodeApi().postMessage` reaches the test, which
 * answers through the real request dispatcher with the handlers the test sets. Only the page, the
 * repository's files under dist/ and media/ are served; CSP violations, page errors, console errors
 * and 404s are collected in `violations`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pageDocument } from '../../src/vscode/webview/page.js';
import { createDispatcher, type RequestHandlers } from '../../src/vscode/webview/dispatcher.js';

const ROOT = path.resolve(__dirname, '../..');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';
const SERVED_FOLDERS = ['dist', 'media'].map((folder) => path.join(ROOT, folder) + path.sep);
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

export interface WebviewPageOptions {
  /** Folder name under `webview/`. */
  view: string;
  /** The page carries its script and stylesheets, as `webviewHtml` makes it for views with `inline`. */
  inline?: boolean;
  /** Extra stylesheets, paths under the repository (`dist/webview/…`, `media/…`). */
  stylesheets?: string[];
}

export interface WebviewPage {
  page: Page;
  /** Every message the view posted, in order. */
  received: Array<{ method: string; params: unknown }>;
  /** CSP violations, page errors, console errors, 404s and handler errors. */
  violations: string[];
  /** The last state the view saved with setState (what a reload restores), as the test last heard of it. */
  savedState: unknown;
  /** The view's saved state read from the page itself: includes a setState made just now. */
  currentState(): Promise<unknown>;
  /** Sends a notification or any message to the view, as the host's postMessage would. */
  post(message: unknown): Promise<void>;
}

export interface WebviewHarness {
  /**
   * Opens the view with these handlers; `state` is what getState() returns, as after a reload;
   * `bootstrap` is embedded in the page as webviewHtml's `bootstrap` is.
   */
  open(handlers: RequestHandlers, state?: unknown, bootstrap?: unknown): Promise<WebviewPage>;
  close(): Promise<void>;
}

export async function startWebviewHarness(options: WebviewPageOptions): Promise<WebviewHarness> {
  const bundle = path.join(ROOT, 'dist/webview', `${options.view}.js`);
  assert.ok(existsSync(bundle), `dist/webview/${options.view}.js is missing: run \`npm run build\` first`);
  for (const sheet of options.stylesheets ?? [])
    assert.ok(existsSync(path.join(ROOT, sheet)), `${sheet} is missing: run \`npm run build\` first`);

  let base = '';
  /** Each opened page's embedded state, by the `page` query parameter of its URL. */
  const bootstraps = new Map<string, unknown>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      response.setHeader('content-type', 'text/html');
      response.end(pageHtml(base, options, bootstraps.get(url.searchParams.get('page') ?? '')));
      return;
    }
    const file = path.join(ROOT, path.normalize(decodeURIComponent(url.pathname)));
    if (!SERVED_FOLDERS.some((folder) => file.startsWith(folder)) || !existsSync(file)) {
      response.statusCode = url.pathname === '/favicon.ico' ? 204 : 404;
      response.end();
      return;
    }
    response.setHeader('content-type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });

  async function open(handlers: RequestHandlers, state?: unknown, bootstrap?: unknown): Promise<WebviewPage> {
    const page = await browser.newPage();
    const opened: WebviewPage = {
      page,
      received: [],
      violations: [],
      savedState: undefined,
      post: (message) => page.evaluate((m) => window.postMessage(m, '*'), message as never),
      currentState: () => page.evaluate(() => (window as unknown as { __getState(): unknown }).__getState()),
    };
    page.on('console', (message) => {
      if (message.type() === 'error') opened.violations.push(message.text());
    });
    page.on('pageerror', (error) => opened.violations.push(error.message));
    page.on('response', (response) => {
      if (response.status() === 404) opened.violations.push(`404 ${response.url()}`);
    });
    const dispatch = createDispatcher(handlers, { logError: (m) => opened.violations.push(m) });
    await page.exposeFunction('__toHost', async (message: { method: string; params: unknown }) => {
      opened.received.push({ method: message.method, params: message.params });
      await opened.post(await dispatch(message));
    });
    await page.exposeFunction('__setState', (saved: unknown) => {
      opened.savedState = saved;
    });
    await page.addInitScript((initial) => {
      (window as unknown as { __initialState: unknown }).__initialState = initial;
    }, state ?? null);
    const id = String(bootstraps.size);
    bootstraps.set(id, bootstrap);
    await page.goto(`${base}/?page=${id}`);
    await waitFor(() => opened.received.some((r) => r.method === 'view/ready'));
    return opened;
  }

  return {
    open,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The page as webviewHtml builds it, with a stand-in for the VS Code API run before the view. */
function pageHtml(base: string, { inline, ...options }: WebviewPageOptions, bootstrap: unknown): string {
  return pageDocument({
    ...options,
    inline: inline ? (relativePath) => readFileSync(path.join(ROOT, relativePath), 'utf8') : undefined,
    nonce: NONCE,
    source: base,
    title: options.view,
    asset: (relativePath) => `${base}/${relativePath}`,
    bootstrap,
    prelude: `
  document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  let state = window.__initialState;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__toHost(m),
    getState: () => state ?? undefined,
    setState: (s) => { state = s; window.__setState(s); },
  });
  window.__getState = () => state;
`,
  });
}
