/**
 * Smoke test of the e2e harness with the hello-extension fixture. Its webview timing is the floor
 * (a static page, no scripts) that the real suite's webviews are compared against.
 *
 * Run: node --import tsx --test test/e2e/harness.test.ts
 */
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { makeGitWorkspace, startCodeServer } from './harness.ts';
import { codeServerSuite } from './suite.ts';
import { packFixture } from './vsix.ts';

const EXTENSION_ID = 'devguide-e2e.hello-e2e';
const VISIBLE = { state: 'visible', timeout: 30_000 } as const;

describe('e2e harness with the hello fixture', () => {
  // First run installs Node 24 and code-server (~3 min on 2 cores).
  const started = codeServerSuite(async (onCleanup) => {
    const workspace = await makeGitWorkspace();
    onCleanup(() => rm(workspace, { recursive: true, force: true }));
    const vsixPath = await packFixture();
    const vscode = await startCodeServer({ vsixPath, workspaceDir: workspace, suite: 'harness' });
    const { installExtensionMs, serverReadyMs, workbenchMs } = vscode.timings;
    console.log(
      `install_extension_ms=${installExtensionMs} server_ready_ms=${serverReadyMs} workbench_ms=${workbenchMs}`,
    );
    return vscode;
  });

  it('shows the status bar item', { timeout: 60_000 }, async () => {
    const item = started().statusBarItem('$(beaker) hello-e2e');
    await item.waitFor(VISIBLE);
  });

  /** Command run → webview text visible, in ms. */
  async function timeWebview(): Promise<number> {
    const { runCommand, webviewFrame } = started();
    const begin = performance.now();
    await runCommand('Hello E2E: Show');
    await webviewFrame(EXTENSION_ID).getByText('Hello from webview').waitFor(VISIBLE);
    return Math.round(performance.now() - begin);
  }

  it('opens the webview from the command palette', { timeout: 60_000 }, async () => {
    // The first open competes with the extension host still starting built-in extensions, so it
    // is slower and noisier than later ones: report both.
    console.log(`trivial_webview_ms=${await timeWebview()}`);
    await started().runCommand('View: Close All Editors');
    console.log(`trivial_webview_warm_ms=${await timeWebview()}`);
  });

  it('comes back after a window reload', { timeout: 120_000 }, async () => {
    const { reloadWindow, statusBarItem } = started();
    await reloadWindow();
    await statusBarItem('$(beaker) hello-e2e').waitFor(VISIBLE);
  });
});
