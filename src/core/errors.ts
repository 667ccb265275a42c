import { DrizzleQueryError } from 'drizzle-orm';

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

/**
 * A message that is safe to show, log or audit. drizzle's query errors quote every bound parameter
 * (secrets and ciphertext among them); only the driver's own message is kept from those.
 */
export function safeMessage(error: unknown): string {
  if (error instanceof DrizzleQueryError) {
    const cause = error.cause as { message?: string } | undefined;
    return `Database error: ${cause?.message ?? 'a statement failed'}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** JSON text from a user, a file or a webview; bad JSON is an `invalid` error naming `what` and the parser's reason. */
export function parseJsonText(text: string, what: string, field?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`${what} is not valid JSON: ${(error as Error).message}.`, field);
  }
}
