/** The element id of the state a page embeds for its view's first render (webview/shared/bootstrap.ts reads it). */
export const BOOTSTRAP_ID = 'bootstrap';

/**
 * A JSON data block: the browser does not run it (so the CSP has nothing to allow), and `<` is
 * escaped so no value can end the element early.
 */
export function bootstrapBlock(value: unknown): string {
  return `<script type="application/json" id="${BOOTSTRAP_ID}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}
