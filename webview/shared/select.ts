import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';

/**
 * A native select's options, `[value, label]` each, with `chosen` selected. `live`: compared with
 * the select itself, so a re-render shows the chosen value even after the user picked another.
 */
export function selectOptions(
  choices: ReadonlyArray<readonly [value: string, label: string]>,
  chosen: string | undefined,
): TemplateResult[] {
  return choices.map(
    ([value, label]) => html`<option value=${value} .selected=${live(value === chosen)}>${label}</option>`,
  );
}
