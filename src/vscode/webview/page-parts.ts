/** Parts of a webview page that need no VS Code API (the webview test harness builds its pages from them too). */

/** The element id of the state a page embeds for its view's first render (webview/shared/bootstrap.ts reads it). */
export const BOOTSTRAP_ID = 'bootstrap';

/**
 * A JSON data block: the browser does not run it (so the CSP has nothing to allow), and `<` is
 * escaped so no value can end the element early.
 */
export function bootstrapBlock(value: unknown): string {
  return `<script type="application/json" id="${BOOTSTRAP_ID}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}

/**
 * The codicon stylesheet (`<vscode-icon>` finds it by its id) and its font, preloaded. VS Code shows
 * a webview's frame on the page's load event, and the font, otherwise requested only once the first
 * icon is laid out, held that event 60–130 ms past the first render (measured in code-server).
 */
export function codiconLinks(folder: string): string {
  return `<link rel="preload" href="${folder}/codicon.ttf" as="font" type="font/ttf" crossorigin>
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${folder}/codicon.css">`;
}
