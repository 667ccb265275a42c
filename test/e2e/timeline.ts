import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import type { CodeServer } from './harness.ts';

const MARKDOWN_PREVIEW = 'vscode.markdown-language-features';

/**
 * Writes `relativePath` in the workspace, opens it, and runs "Cockpit: Show File Timeline" until
 * the preview lists a capture with the file's mtime (the watcher commits in batches). Resolves with
 * the preview and the row of that capture.
 */
export async function writeAndFindInTimeline(
  vscode: CodeServer,
  workspace: string,
  relativePath: string,
  content: string,
  timeoutMs: number,
): Promise<{ preview: FrameLocator; row: ReturnType<FrameLocator['locator']> }> {
  const { page, runCommand, webviewFrame } = vscode;
  const file = path.join(workspace, relativePath);
  await writeFile(file, content);
  const { mtimeNs } = await stat(file, { bigint: true });
  const micros = String((mtimeNs / 1000n) % 1_000_000n).padStart(6, '0');
  const name = path.basename(relativePath);

  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input.input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 60_000 });

  const preview = webviewFrame(MARKDOWN_PREVIEW);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runCommand('Cockpit: Show File Timeline');
    await preview.getByText(`File timeline: ${relativePath}`).waitFor({ state: 'visible', timeout: timeoutMs });
    if ((await preview.locator('td', { hasText: micros }).count()) > 0) break;
    if (Date.now() > deadline) throw new Error(`no capture with mtime …${micros} in the timeline of ${relativePath}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await page.locator('.tab', { hasText: name }).first().click();
  }
  return { preview, row: preview.locator('tr', { has: preview.locator('td', { hasText: micros }) }).first() };
}
