import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { pageDocument } from './page.js';

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
  /** The page carries its script and stylesheets instead of linking them (see PageDocument.inline). */
  inline?: boolean;
  /** Extra stylesheets, as paths under the extension (`dist/webview/…` or `media/…`). */
  stylesheets?: string[];
  /** The view's first state, in the page: it renders at once instead of asking after it loads. */
  bootstrap?: unknown;
}

/** The page of a view, with a fresh nonce per load (see pageDocument). */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: ViewPage): string {
  return pageDocument({
    ...page,
    nonce: randomBytes(18).toString('base64'),
    source: webview.cspSource,
    asset: (relativePath) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...relativePath.split('/'))).toString(),
    inline: page.inline ? (relativePath) => extensionFile(extensionUri, relativePath) : undefined,
  });
}

/** The extension's files do not change while it runs: each is read once (the Cockpit's bundle is ~100 KB). */
const extensionFiles = new Map<string, string>();

function extensionFile(extensionUri: vscode.Uri, relativePath: string): string {
  const file = vscode.Uri.joinPath(extensionUri, ...relativePath.split('/')).fsPath;
  let text = extensionFiles.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    extensionFiles.set(file, text);
  }
  return text;
}
