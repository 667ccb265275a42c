import { html, nothing, type TemplateResult } from 'lit';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import add from '@vscode/codicons/src/icons/add.svg';
import arrowDown from '@vscode/codicons/src/icons/arrow-down.svg';
import arrowUp from '@vscode/codicons/src/icons/arrow-up.svg';
import circleLarge from '@vscode/codicons/src/icons/circle-large.svg';
import close from '@vscode/codicons/src/icons/close.svg';
import edit from '@vscode/codicons/src/icons/edit.svg';
import file from '@vscode/codicons/src/icons/file.svg';
import history from '@vscode/codicons/src/icons/history.svg';
import listUnordered from '@vscode/codicons/src/icons/list-unordered.svg';
import passFilled from '@vscode/codicons/src/icons/pass-filled.svg';
import pinned from '@vscode/codicons/src/icons/pinned.svg';
import refresh from '@vscode/codicons/src/icons/refresh.svg';
import trash from '@vscode/codicons/src/icons/trash.svg';

/**
 * Codicons as inline SVG (bundled as text, `fill="currentColor"`): unlike `<vscode-icon>` they need
 * no font and no stylesheet, which a webview fetches through its service worker and the workbench
 * (70–150 ms in code-server, and VS Code shows the page only once they have arrived), and no
 * shadow root each.
 */
const SOURCES = {
  add,
  'arrow-down': arrowDown,
  'arrow-up': arrowUp,
  'circle-large': circleLarge,
  close,
  edit,
  file,
  history,
  'list-unordered': listUnordered,
  'pass-filled': passFilled,
  pinned,
  refresh,
  trash,
} as const;

export type IconName = keyof typeof SOURCES;

/** Each icon's SVG content without its root element (the bundled files are the codicons' own sources). */
const ICONS = Object.fromEntries(
  Object.entries(SOURCES).map(([name, markup]) => [name, markup.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '')]),
) as Record<IconName, string>;

/** An icon; decorative (hidden from assistive technology) unless it has a `label`. */
export function icon(name: IconName, label?: string): TemplateResult {
  return html`<svg
    class="icon"
    viewBox="0 0 16 16"
    fill="currentColor"
    role=${label ? 'img' : nothing}
    aria-label=${label ?? nothing}
    aria-hidden=${label ? nothing : 'true'}
  >
    ${unsafeSVG(ICONS[name])}
  </svg>`;
}

/** A toolbar-style button showing only an icon; `label` names it for screen readers and as its tooltip. */
export function iconButton(name: IconName, label: string, onClick: () => void, title = label): TemplateResult {
  return html`<button type="button" class="icon-button" aria-label=${label} title=${title} @click=${onClick}>
    ${icon(name)}
  </button>`;
}
