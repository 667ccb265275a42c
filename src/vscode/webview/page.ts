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
  /** Extra stylesheets, paths under the extension (`dist/webview/…`, `media/…`). */
  stylesheets?: readonly string[];
  /** The view's first state, in the page: it renders at once instead of asking after it loads. */
  bootstrap?: unknown;
  /** A script run before the view's (the test harness's stand-in for the VS Code API). */
  prelude?: string;
  /**
   * Reads a file of the extension: given, the page carries the view's script and stylesheets
   * itself instead of linking them. A webview fetches each linked file through its service worker
   * and the workbench (70–150 ms in code-server), and VS Code shows the page only after its `load`.
   */
  inline?: (relativePath: string) => string;
}

/** What would end or alter the element inlined text is put in; such text is linked instead. */
const UNSAFE_TO_INLINE = /<\/(?:script|style)|<!--/i;

const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A view's page: a CSP that allows only this load's nonce for scripts and `<style>` elements and the
 * extension's own files for stylesheets and images (no inline styles or scripts without the nonce;
 * Lit's constructable stylesheets are not inline and pass).
 */
export function pageDocument(page: PageDocument): string {
  const { nonce, source } = page;
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${source} 'nonce-${nonce}'`,
    `img-src ${source} data:`,
  ].join('; ');
  const inlined = (file: string) => {
    const text = page.inline?.(file);
    return text === undefined || UNSAFE_TO_INLINE.test(text) ? undefined : text;
  };
  const stylesheets = ['media/webview.css', ...(page.stylesheets ?? [])]
    .map((file) => {
      const text = inlined(file);
      return text === undefined
        ? `<link rel="stylesheet" href="${escapeAttribute(page.asset(file))}">`
        : `<style nonce="${nonce}">${text}</style>`;
    })
    .join('\n');
  const script = `dist/webview/${page.view}.js`;
  const scriptText = inlined(script);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttribute(page.title)}</title>
${stylesheets}
</head>
<body>
${page.prelude === undefined ? '' : `<script nonce="${nonce}">${page.prelude}</script>`}
${page.bootstrap === undefined ? '' : bootstrapBlock(page.bootstrap)}
${
  scriptText === undefined
    ? `<script type="module" nonce="${nonce}" src="${escapeAttribute(page.asset(script))}"></script>`
    : `<script type="module" nonce="${nonce}">${scriptText}</script>`
}
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
