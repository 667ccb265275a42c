/** What a webview's page and its bundle share (no Node or VS Code API: the bundles import it). */

/** The element id of the state a page embeds for its view's first render (webview/shared/bootstrap.ts reads it). */
export const BOOTSTRAP_ID = 'bootstrap';
