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
  /*
   * Native text fields, text buttons and badges in VS Code's colours: vscode-elements' are custom
   * elements with a shadow root each, which made the Cockpit's first render ~100 ms slower.
   */
  input,
  textarea {
    font: inherit;
    color: var(--vscode-input-foreground);
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-input-border, var(--vscode-panel-border));
    border-radius: 2px;
    padding: 3px 6px;
    box-sizing: border-box;
  }
  input::placeholder,
  textarea::placeholder {
    color: var(--vscode-input-placeholderForeground);
  }
  input[type='checkbox'] {
    accent-color: var(--vscode-checkbox-selectBackground, var(--vscode-button-background));
    margin: 0;
  }
  button.primary,
  button.secondary {
    font: inherit;
    color: var(--vscode-button-foreground);
    background: var(--vscode-button-background);
    border: 1px solid var(--vscode-button-border, transparent);
    border-radius: 2px;
    padding: 3px 10px;
    white-space: nowrap;
    cursor: pointer;
  }
  button.primary:hover:not(:disabled) {
    background: var(--vscode-button-hoverBackground);
  }
  button.secondary {
    color: var(--vscode-button-secondaryForeground);
    background: var(--vscode-button-secondaryBackground);
  }
  button.secondary:hover:not(:disabled) {
    background: var(--vscode-button-secondaryHoverBackground);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .badge {
    display: inline-block;
    padding: 0 6px;
    border-radius: 8px;
    font-size: 0.85em;
    color: var(--vscode-badge-foreground);
    background: var(--vscode-badge-background);
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
