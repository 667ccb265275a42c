/** Why a core operation refused: the VS Code layer, the CLI and the webview show `message` as is. */
/** `unavailable`: an outside service (e.g. every AI provider) could not serve the request; retrying may help. */
export type CockpitErrorCode = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable';

/** An expected, user-facing failure. Messages name the field or resource and never hold secrets. */
export class CockpitError extends Error {
  constructor(
    readonly code: CockpitErrorCode,
    message: string,
    /** The offending field as a dotted path (e.g. `configuration.items.0.text`), where there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CockpitError';
  }
}

export const invalid = (message: string, field?: string) => new CockpitError('invalid', message, field);
export const notFound = (what: string, id: string) => new CockpitError('not-found', `${what} ${id} does not exist.`);
