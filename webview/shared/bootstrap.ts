import { BOOTSTRAP_ID } from '../../src/vscode/webview/page-parts.js';

/** The state the host embedded in the page for the first render (webviewHtml's `bootstrap`), if any. */
export function readBootstrap<T>(): T | undefined {
  const text = document.getElementById(BOOTSTRAP_ID)?.textContent;
  return text ? (JSON.parse(text) as T) : undefined;
}
