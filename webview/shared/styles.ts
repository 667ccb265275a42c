import { css } from 'lit';

/**
 * Shared component styles: theme colours and fonts only through VS Code's --vscode-* variables,
 * so every theme (light, dark, high contrast) applies. Adopted as constructable stylesheets,
 * which the webview CSP allows without 'unsafe-inline'.
 */
export const baseStyles = css`
  :host {
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .error {
    color: var(--vscode-errorForeground);
  }
  .empty {
    padding: 16px;
    border: 1px dashed var(--vscode-widget-border, var(--vscode-panel-border));
    border-radius: 4px;
    color: var(--vscode-descriptionForeground);
  }
  .banner {
    padding: 8px 12px;
    border-radius: 4px;
    background: var(--vscode-inputValidation-warningBackground);
    border: 1px solid var(--vscode-inputValidation-warningBorder);
  }
  .banner.error {
    color: var(--vscode-foreground);
    background: var(--vscode-inputValidation-errorBackground);
    border-color: var(--vscode-inputValidation-errorBorder);
  }
  .card {
    background: var(--vscode-editorWidget-background, var(--vscode-sideBar-background));
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    border-radius: 4px;
    padding: 8px 12px;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .grow {
    flex: 1 1 auto;
    min-width: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
  }
  /* Native selects in VS Code's dropdown colours (vscode-single-select cost a forced layout per render). */
  select {
    font: inherit;
    color: var(--vscode-dropdown-foreground);
    background: var(--vscode-dropdown-background);
    border: 1px solid var(--vscode-dropdown-border, transparent);
    border-radius: 2px;
    padding: 2px 4px;
    color-scheme: light dark;
  }
  /* Inline codicons (icons.ts) and the toolbar buttons that show them, as VS Code's action bars look. */
  svg.icon {
    width: 16px;
    height: 16px;
    flex: none;
    vertical-align: text-bottom;
  }
  .icon-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    padding: 3px;
    border: none;
    border-radius: 5px;
    color: inherit;
    background: none;
    cursor: pointer;
  }
  .icon-button:hover {
    background: var(--vscode-toolbar-hoverBackground);
  }
  .icon-button:active {
    background: var(--vscode-toolbar-activeBackground, var(--vscode-toolbar-hoverBackground));
  }
  :focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
`;
