import { html, type TemplateResult } from 'lit';
import { PersistentState } from '../shared/state.js';
import { vscodeApi } from '../shared/vscode-api.js';

/** What survives hiding the panel and reloading the window: the selection and unsaved input. */
export interface ViewState {
  folder?: string;
  profileId?: string;
  /** Text the user typed, by field key, kept until the write that uses it succeeds. */
  drafts: Record<string, string>;
  /** The field being renamed inline (`profile:<id>`, `dashboard:<id>`, `module:<id>`). */
  renaming?: string;
}

export const viewState = new PersistentState<ViewState>(vscodeApi<ViewState>(), { drafts: {} });

export function draft(key: string): string {
  return viewState.value.drafts[key] ?? '';
}

export function setDraft(key: string, value: string): void {
  const drafts = { ...viewState.value.drafts };
  if (value) drafts[key] = value;
  else delete drafts[key];
  viewState.update({ drafts });
}

export function clearDrafts(...keys: string[]): void {
  const drafts = { ...viewState.value.drafts };
  for (const key of keys) delete drafts[key];
  viewState.update({ drafts });
}

/**
 * A text field that keeps what is typed as the draft `key` (so a failed write or a reload loses
 * nothing); Enter calls `onEnter`. Labelled for screen readers by `label`, which is also the placeholder unless one is given.
 */
export function draftField(
  key: string,
  label: string,
  options: { placeholder?: string; onEnter?: () => void } = {},
): TemplateResult {
  return html`<input
    type="text"
    class="grow"
    aria-label=${label}
    placeholder=${options.placeholder ?? label}
    .value=${draft(key)}
    @input=${(e: Event) => setDraft(key, (e.target as HTMLInputElement).value)}
    @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && options.onEnter?.()}
  />`;
}
