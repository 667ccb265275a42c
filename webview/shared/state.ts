import type { VsCodeApi } from './vscode-api.js';

/**
 * The view's state, kept by VS Code across hide/show and window reloads (with the panel
 * serializer): what the user selected and typed but has not saved yet.
 */
export class PersistentState<State extends object> {
  private current: State;
  /** Whether VS Code gave back a saved state: the page was re-created (shown again, or restored after a reload). */
  readonly restored: boolean;

  constructor(
    private readonly api: Pick<VsCodeApi<State>, 'getState' | 'setState'>,
    defaults: State,
  ) {
    const saved = api.getState();
    this.restored = typeof saved === 'object' && saved !== null;
    this.current = { ...defaults, ...(this.restored ? saved : {}) };
  }

  get value(): Readonly<State> {
    return this.current;
  }

  update(patch: Partial<State>): void {
    this.current = { ...this.current, ...patch };
    this.api.setState(this.current);
  }
}
