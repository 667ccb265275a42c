import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { bootstrapBlock, codiconLinks } from './page-parts.js';

/** The only folders a webview may load from: the built views and the shipped media. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: webviewRoots(extensionUri) };
}

export interface ViewPage {
  /** Folder name under `webview/`: loads `dist/webview/<view>.js` as a module. */
  view: string;
  title: string;
  /** Links the codicon font (needed by `<vscode-icon>`). */
  codicons?: boolean;
  /** Extra stylesheets, as paths under the extension (`dist/webview/…` or `media/…`). */
  stylesheets?: string[];
  /** The view's first state, in the page: it renders at once instead of asking after it loads. */
  bootstrap?: unknown;
}

const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The page of a view: a fresh nonce per load, a CSP that allows only that nonce's script and the
 * extension's own styles, fonts and images, and no inline styles at all (Lit's constructable
 * stylesheets are not inline and pass).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: ViewPage): string {
  const nonce = randomBytes(18).toString('base64');
  const source = webview.cspSource;
  const asset = (...segments: string[]) =>
    escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString());
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${source}`,
    `img-src ${source} data:`,
    `font-src ${source}`,
  ].join('; ');
  const codicons = page.codicons ? codiconLinks(asset('dist', 'webview', 'codicons')) : '';
  const stylesheets = (page.stylesheets ?? [])
    .map((file) => `<link rel="stylesheet" href="${asset(...file.split('/'))}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttribute(page.title)}</title>
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
${codicons}
${stylesheets}
</head>
<body>
${page.bootstrap === undefined ? '' : bootstrapBlock(page.bootstrap)}
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', `${page.view}.js`)}"></script>
</body>
</html>`;
}
