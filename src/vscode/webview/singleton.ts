import * as vscode from 'vscode';
import type { Cockpit } from '../context.js';
import { webviewOptions } from './html.js';

/** A view class drives one webview panel. */
interface PanelView {
  readonly panel: vscode.WebviewPanel;
}

/**
 * One panel of a view type per window: `show` reveals it or opens it, and after a window reload
 * the serializer adopts the panel VS Code restores (the webview brings back its own state).
 * `O` is what `show` passes to a view it opens (a restored one gets `undefined`).
 */
export class SingletonPanel<V extends PanelView, O = undefined> {
  private current: V | undefined;

  constructor(
    private readonly cockpit: Cockpit,
    private readonly viewType: string,
    private readonly title: string,
    private readonly create: (panel: vscode.WebviewPanel, options?: O) => V,
    private readonly column = vscode.ViewColumn.Active,
  ) {
    const options = () => webviewOptions(cockpit.extension.extensionUri);
    cockpit.extension.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
          panel.webview.options = options();
          this.adopt(panel);
        },
      }),
    );
  }

  /** Reveals the open view (`revealed`), or opens one with `options`. */
  show(options?: O): { view: V; revealed: boolean } {
    if (this.current) {
      this.current.panel.reveal();
      return { view: this.current, revealed: true };
    }
    const panel = vscode.window.createWebviewPanel(
      this.viewType,
      this.title,
      this.column,
      webviewOptions(this.cockpit.extension.extensionUri),
    );
    return { view: this.adopt(panel, options), revealed: false };
  }

  private adopt(panel: vscode.WebviewPanel, options?: O): V {
    this.current?.panel.dispose();
    const view = this.create(panel, options);
    this.current = view;
    panel.onDidDispose(() => {
      if (this.current === view) this.current = undefined;
    });
    return view;
  }
}
