/**
 * Renders a form the host generated from the dashboard schema (src/core/extensions/form.ts). The
 * view keeps only the edited values (path → value); the host checks each path and value on save.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FormField } from '../../src/core/extensions/form.js';

type Scalar = string | number | boolean;
export type FormValue = Scalar | Scalar[] | null;
export type FormDraft = Record<string, FormValue>;

export interface FormOptions {
  /** Prefix of element ids, unique per form on the page. */
  idPrefix: string;
  fields: FormField[];
  draft: FormDraft;
  disabled: boolean;
  onChange(path: string, value: FormValue): void;
  /** Label of the per-field button that restores the template's value (omitted: no button). */
  resetLabel?: string;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The field's value as shown: the draft's when edited, else the current one. */
export const shownValue = (field: FormField, draft: FormDraft): unknown =>
  Object.hasOwn(draft, field.path) ? draft[field.path] : field.value;

export function renderForm(options: FormOptions): TemplateResult {
  const groups = new Map<string, FormField[]>();
  for (const field of options.fields) groups.set(field.group, [...(groups.get(field.group) ?? []), field]);
  return html`${[...groups].map(
    ([group, fields]) =>
      html`<fieldset class="form-group">
        <legend>${group}</legend>
        ${fields.map((field) => renderField(field, options))}
      </fieldset>`,
  )}`;
}

function renderField(field: FormField, options: FormOptions): TemplateResult {
  const id = `${options.idPrefix}-${field.path}`;
  const value = shownValue(field, options.draft);
  const changed = Object.hasOwn(options.draft, field.path);
  const differs = !sameValue(value, field.templateValue);
  const set = (next: FormValue) => options.onChange(field.path, next);
  return html`<div class="form-field" data-path=${field.path}>
    <label for=${id}>${field.label}${field.required ? html`<span class="muted"> (required)</span>` : nothing}</label>
    ${control(field, id, value, options.disabled, set)}
    ${
      options.resetLabel && differs && field.templateValue !== undefined
        ? html`<button
            class="secondary reset"
            ?disabled=${options.disabled}
            title="Template value: ${JSON.stringify(field.templateValue)}"
            @click=${() => set(field.templateValue as FormValue)}
          >
            ${options.resetLabel}
          </button>`
        : nothing
    }
    ${options.resetLabel && differs ? html`<span class="badge">overridden</span>` : nothing}
    ${changed ? html`<span class="badge edited">edited</span>` : nothing}
  </div>`;
}

function control(
  field: FormField,
  id: string,
  value: unknown,
  disabled: boolean,
  set: (value: FormValue) => void,
): TemplateResult {
  switch (field.kind) {
    case 'boolean':
      return html`<input
        id=${id}
        type="checkbox"
        ?disabled=${disabled}
        .checked=${value === true}
        @change=${(e: Event) => set((e.target as HTMLInputElement).checked)}
      />`;
    case 'integer':
      return html`<input
        id=${id}
        type="number"
        step="1"
        min=${field.min ?? nothing}
        max=${field.max ?? nothing}
        ?disabled=${disabled}
        .value=${typeof value === 'number' ? String(value) : ''}
        @change=${(e: Event) => {
          const raw = (e.target as HTMLInputElement).value.trim();
          set(raw === '' ? null : Number(raw));
        }}
      />`;
    case 'choice': {
      const options = field.options ?? [];
      return html`<select
        id=${id}
        ?disabled=${disabled}
        @change=${(e: Event) => {
          const index = (e.target as HTMLSelectElement).selectedIndex - (field.required ? 0 : 1);
          set(index < 0 ? null : (options[index] ?? null));
        }}
      >
        ${field.required ? nothing : html`<option ?selected=${value === undefined}>(not set)</option>`}
        ${options.map((option) => html`<option ?selected=${option === value}>${String(option)}</option>`)}
      </select>`;
    }
    case 'list': {
      const items = Array.isArray(value) ? (value as Scalar[]) : [];
      if (field.options) {
        return html`<div id=${id} role="group" class="choices">
          ${field.options.map(
            (option) =>
              html`<label class="choice"
                ><input
                  type="checkbox"
                  ?disabled=${disabled}
                  .checked=${items.includes(option)}
                  @change=${(e: Event) => {
                    const on = (e.target as HTMLInputElement).checked;
                    // Keep the schema's order, so toggling back gives the same list.
                    set(field.options!.filter((o) => (o === option ? on : items.includes(o))));
                  }}
                />${String(option)}</label
              >`,
          )}
        </div>`;
      }
      return html`<textarea
        id=${id}
        class="list"
        spellcheck="false"
        ?disabled=${disabled}
        placeholder="One per line"
        .value=${items.map(String).join('\n')}
        @change=${(e: Event) =>
          set(
            (e.target as HTMLTextAreaElement).value
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          )}
      ></textarea>`;
    }
    case 'textarea':
      return html`<textarea
        id=${id}
        maxlength=${field.maxLength ?? nothing}
        ?disabled=${disabled}
        .value=${typeof value === 'string' ? value : ''}
        @change=${(e: Event) => set((e.target as HTMLTextAreaElement).value)}
      ></textarea>`;
    case 'text':
      return html`<input
        id=${id}
        type="text"
        maxlength=${field.maxLength ?? nothing}
        ?disabled=${disabled}
        .value=${typeof value === 'string' ? value : ''}
        @change=${(e: Event) => set((e.target as HTMLInputElement).value)}
      />`;
  }
}

/** The draft as the edits the host expects. */
export const draftEdits = (draft: FormDraft) => Object.entries(draft).map(([path, value]) => ({ path, value }));
