import { css } from 'lit';

/** The Bin view's layout; colours only through --vscode-* variables. */
export const binStyles = css`
  :host {
    display: block;
    padding: 12px 16px;
  }
  h1 {
    font-size: 1.3em;
    font-weight: 600;
    margin: 0;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 600;
    margin: 16px 0 6px;
  }
  h3 {
    font-size: 1em;
    font-weight: 600;
    margin: 12px 0 4px;
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    margin-bottom: 12px;
    flex-wrap: wrap;
  }
  nav.tabs,
  .statuses {
    display: flex;
    gap: 4px;
    flex-wrap: wrap;
  }
  button {
    font: inherit;
    color: var(--vscode-button-secondaryForeground);
    background: var(--vscode-button-secondaryBackground);
    border: 1px solid var(--vscode-button-border, transparent);
    border-radius: 2px;
    padding: 3px 10px;
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--vscode-button-secondaryHoverBackground);
  }
  button[aria-pressed='true'],
  button[aria-selected='true'] {
    color: var(--vscode-button-foreground);
    background: var(--vscode-button-background);
  }
  textarea {
    font-family: var(--vscode-editor-font-family);
    width: 100%;
    box-sizing: border-box;
    min-height: 8em;
  }
  .pager {
    display: flex;
    gap: 4px;
    align-items: center;
    margin: 8px 0;
  }
  .filters {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
    align-items: center;
    margin: 8px 0;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(280px, 2fr) 3fr;
    gap: 16px;
    align-items: start;
  }
  @media (max-width: 800px) {
    .layout {
      grid-template-columns: 1fr;
    }
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 3px 6px;
    border-bottom: 1px solid var(--vscode-panel-border);
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  tr.change {
    cursor: pointer;
  }
  tr.change:hover {
    background: var(--vscode-list-hoverBackground);
  }
  tr.change.selected {
    color: var(--vscode-list-activeSelectionForeground);
    background: var(--vscode-list-activeSelectionBackground);
  }
  .verdict.pass {
    color: var(--vscode-testing-iconPassed, var(--vscode-foreground));
  }
  .verdict.warn {
    color: var(--vscode-editorWarning-foreground);
  }
  .verdict.fail {
    color: var(--vscode-errorForeground);
  }
  .high-impact {
    color: var(--vscode-editorWarning-foreground);
    font-weight: 600;
  }
  pre.payload {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    background: var(--vscode-textCodeBlock-background);
    padding: 8px;
    max-height: 24em;
    overflow: auto;
    white-space: pre-wrap;
    word-break: break-all;
  }
  .actions {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
    align-items: center;
    margin: 8px 0;
  }
  .actions input {
    flex: 1 1 200px;
  }
  form.editor {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 6px 10px;
    align-items: center;
    max-width: 720px;
  }
  form.editor input[type='checkbox'] {
    justify-self: start;
  }
  form.editor .full {
    grid-column: 1 / -1;
  }
  .field-error {
    color: var(--vscode-errorForeground);
  }
  code {
    font-family: var(--vscode-editor-font-family);
  }
`;
