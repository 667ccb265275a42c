/**
 * The page of a webview, built without the VS Code API: the extension (webview/html.ts) and the
 * webview test harness (test/support/webview-page.ts) build the same document from it.
 */
import { BOOTSTRAP_ID } from './page-parts.js';

export interface PageDocument {
  /** A fresh nonce per load: the only scripts and `<style>` elements that run carry it. */
  nonce: string;
  /** Where the page may load the extension's files from (`webview.cspSource`). */
  source: string;
  title: string;
  /** Folder name under `webview/`: loads `dist/webview/<view>.js` as a module. */
  view: string;
  /** The URL under which the page loads a file of the extension (`dist/webview/…`, `media/…`). */
  asset(relativePath: string): string;
  /** Links the codicon font (needed by `<vscode-icon>`). */
  codicons?: boolean;
  /** Extra stylesheets, paths under the extension (`dist/webview/…`, `media/…`). */
  stylesheets?: readonly string[];
  /** The view's first state, in the page: it renders at once instead of asking after it loads. */
  bootstrap?: unknown;
  /** A script run before the view's (the test harness's stand-in for the VS Code API). */
  prelude?: string;
}

const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A view's page: a CSP that allows only this load's nonce for scripts and `<style>` elements and the
 * extension's own files for stylesheets, fonts and images (no inline styles or scripts without the
 * nonce; Lit's constructable stylesheets are not inline and pass).
 */
export function pageDocument(page: PageDocument): string {
  const { nonce, source } = page;
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${source} 'nonce-${nonce}'`,
    `img-src ${source} data:`,
    `font-src ${source}`,
  ].join('; ');
  const stylesheets = ['media/webview.css', ...(page.stylesheets ?? [])]
    .map((file) => `<link rel="stylesheet" href="${escapeAttribute(page.asset(file))}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttribute(page.title)}</title>
${stylesheets}
${page.codicons ? codiconLinks(escapeAttribute(page.asset('dist/webview/codicons')), nonce) : ''}
</head>
<body>
${page.prelude === undefined ? '' : `<script nonce="${nonce}">${page.prelude}</script>`}
${page.bootstrap === undefined ? '' : bootstrapBlock(page.bootstrap)}
<script type="module" nonce="${nonce}" src="${escapeAttribute(page.asset(`dist/webview/${page.view}.js`))}"></script>
</body>
</html>`;
}

/**
 * A JSON data block: the browser does not run it (so the CSP has nothing to allow), and `<` is
 * escaped so no value can end the element early.
 */
function bootstrapBlock(value: unknown): string {
  return `<script type="application/json" id="${BOOTSTRAP_ID}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}

/**
 * The codicon font for `<vscode-icon>`: its `@font-face` in the page (a font declared inside a
 * shadow root is not used), the font preloaded, and the stylesheet each icon links into its shadow
 * root, found by its id and preloaded. Linked as a stylesheet of the page it held the view's
 * script until it arrived (a pending stylesheet blocks scripts). VS Code shows a webview's frame
 * on the page's load event, which the font, requested only once the first icon was laid out, held
 * 60–130 ms past the first render (measured in code-server).
 */
function codiconLinks(folder: string, nonce: string): string {
  return `<style nonce="${nonce}">@font-face { font-family: "codicon"; font-display: block; src: url("${folder}/codicon.ttf") format("truetype"); }</style>
<link rel="preload" href="${folder}/codicon.ttf" as="font" type="font/ttf" crossorigin>
<link id="vscode-codicon-stylesheet" rel="preload" href="${folder}/codicon.css" as="style">`;
}
