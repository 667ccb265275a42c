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
 * A text field that keeps what is typed as the draft `key`, so a failed write or a reload loses
 * nothing; until something is typed it shows `fallback`. `label` names it for screen readers and is
 * its placeholder unless one is given. Enter calls `onEnter`, Escape `onEscape`.
 */
export function draftField(
  key: string,
  label: string,
  options: { placeholder?: string; fallback?: string; onEnter?: () => void; onEscape?: () => void } = {},
): TemplateResult {
  return html`<input
    type="text"
    class="grow"
    aria-label=${label}
    placeholder=${options.placeholder ?? label}
    .value=${draft(key) || (options.fallback ?? '')}
    @input=${(e: Event) => setDraft(key, (e.target as HTMLInputElement).value)}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Enter') options.onEnter?.();
      if (e.key === 'Escape') options.onEscape?.();
    }}
  />`;
}

/**
 * The inline rename field of `key` (`profile:<id>`, `dashboard:<id>`, `module:<id>`), showing
 * `current` until something is typed. Enter saves a changed name and ends the renaming unless the
 * save fails (`save` resolves undefined: the typed name stays); Escape ends it. `ended` re-renders.
 */
export function renameField(
  key: string,
  current: string,
  label: string,
  save: (name: string) => Promise<unknown>,
  ended: () => void,
): TemplateResult {
  const draftKey = `rename:${key}`;
  const end = () => {
    clearDrafts(draftKey);
    viewState.update({ renaming: undefined });
    ended();
  };
  return draftField(draftKey, label, {
    placeholder: '',
    fallback: current,
    onEscape: end,
    onEnter: async () => {
      const name = (draft(draftKey) || current).trim();
      if (name === current || (await save(name)) !== undefined) end();
    },
  });
}
