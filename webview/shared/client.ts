import type {
  NotificationMessage,
  Notifications,
  ProtocolError,
  RequestMethod,
  RequestParams,
  RequestResults,
  ResponseMessage,
} from '../../src/protocol.js';
import type { VsCodeApi } from './vscode-api.js';

/** A refused or failed request, with the host's code and the offending field. */
export class RequestError extends Error {
  readonly code: ProtocolError['code'] | 'timeout';
  readonly field: string | undefined;
  constructor(error: ProtocolError | { code: 'timeout'; message: string; field?: string }) {
    super(error.message);
    this.name = 'RequestError';
    this.code = error.code;
    this.field = error.field;
  }
}

type Listener = (params: never) => void;

/**
 * Typed requests to the host (each answered exactly once, or rejected after `timeoutMs`) and
 * subscriptions to host notifications. Types only come from src/protocol.ts: zod stays out of
 * the webview bundle.
 */
export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: number }>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly api: Pick<VsCodeApi, 'postMessage'>,
    private readonly timeoutMs = 30_000,
    target: Pick<Window, 'addEventListener'> = window,
  ) {
    target.addEventListener('message', (event) => this.receive((event as MessageEvent).data));
  }

  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResults[M]> {
    const id = this.nextId++;
    return new Promise<RequestResults[M]>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError({ code: 'timeout', message: `${method}: the extension did not answer in time.` }));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage({ kind: 'request', id, method, params });
    });
  }

  /** Returns the unsubscribe function. */
  on<N extends keyof Notifications>(method: N, listener: (params: Notifications[N]) => void): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const message = data as ResponseMessage | NotificationMessage;
    if (message.kind === 'response') {
      if (message.id === null) return; // a reply to something this client never sent
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      window.clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new RequestError(message.error));
    } else if (message.kind === 'notification') {
      for (const listener of this.listeners.get(message.method) ?? [])
        (listener as (p: unknown) => void)(message.params);
    }
  }
}
