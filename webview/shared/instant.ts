import { html, nothing, type TemplateResult } from 'lit';

/**
 * Timestamps in the UI: ISO-8601 Zulu to the second, the full microseconds on hover, and the user's
 * local time beside it where useful. Instants arrive from the host as `…T14:30:45.123456Z`.
 */
const ISO_ZULU = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/;

/** `2026-01-01T14:30:45.123456Z` → `2026-01-01T14:30:45Z`. */
export function secondsZulu(iso: string): string {
  const match = ISO_ZULU.exec(iso);
  return match ? `${match[1]}Z` : iso;
}

/** The instant in the user's locale and time zone (millisecond precision is plenty there). */
export function localTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : new Date(ms).toLocaleString();
}

/** `<time>` with the microseconds in its tooltip, and the local time beside it unless `local` is false. */
export function stamp(iso: string | null, local = true): TemplateResult {
  if (iso === null) return html`<span class="muted">—</span>`;
  return html`<time datetime=${iso} title=${iso}>${secondsZulu(iso)}</time>${
      local ? html` <span class="local muted">${localTime(iso)}</span>` : nothing
    }`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO Zulu instant as the value of an `<input type="datetime-local">` (local wall time, seconds). */
export function toLocalInput(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `datetime-local` value (local wall time) as ISO Zulu; '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  const ms = value ? new Date(value).getTime() : Number.NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
