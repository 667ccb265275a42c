import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server speaking the Anthropic Messages and OpenAI Chat Completions wire formats.
 * Tests queue behaviours per path prefix (`/anthropic`, `/openai`, `/azure`, `/local`, …); each
 * request takes the next one (the last one repeats). Every request is kept for assertions.
 */
export interface Behaviour {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (or a string sent as is). */
  body?: unknown;
  /** Server-sent events: each item is sent as one `data:` event (objects as JSON). */
  events?: unknown[];
  /** Wait before answering (slow provider). */
  delayMs?: number;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  at: number;
}

export class FakeProviders {
  readonly received: ReceivedRequest[] = [];
  private readonly queues = new Map<string, Behaviour[]>();
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Replaces the queue of `prefix` (e.g. `/anthropic`). */
  on(prefix: string, ...behaviours: Behaviour[]): void {
    this.queues.set(prefix, behaviours);
  }

  requestsTo(prefix: string): ReceivedRequest[] {
    return this.received.filter((r) => r.url.startsWith(prefix));
  }

  reset(): void {
    this.received.length = 0;
    this.queues.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { raw: text };
    }
    const url = req.url ?? '/';
    this.received.push({ method: req.method ?? 'GET', url, headers: req.headers, body, at: Date.now() });
    const prefix = [...this.queues.keys()].find((p) => url.startsWith(p));
    const queue = prefix ? this.queues.get(prefix)! : [];
    const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 404, body: { error: 'no behaviour' } };
    if (behaviour.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (res.destroyed || req.destroyed) return;
    }
    if (behaviour.events) {
      res.writeHead(behaviour.status ?? 200, { 'content-type': 'text/event-stream', ...behaviour.headers });
      for (const event of behaviour.events) {
        const data = typeof event === 'string' ? event : JSON.stringify(event);
        const type = typeof event === 'object' && event !== null ? (event as { type?: string }).type : undefined;
        res.write(`${type ? `event: ${type}\n` : ''}data: ${data}\n\n`);
      }
      res.end();
      return;
    }
    const payload = typeof behaviour.body === 'string' ? behaviour.body : JSON.stringify(behaviour.body ?? {});
    res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
    res.end(payload);
  }
}

/** A Messages API answer with the given text and usage. */
export function anthropicMessage(
  text: string,
  usage: Record<string, number> = { input_tokens: 10, output_tokens: 5 },
  extra: unknown[] = [],
): Behaviour {
  return {
    body: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-test-1',
      content: [{ type: 'text', text }, ...extra],
      stop_reason: 'end_turn',
      usage,
    },
  };
}

/** A Chat Completions answer with the given text and usage. */
export function openAiCompletion(
  text: string,
  usage: Record<string, unknown> = { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
  model = 'gpt-test-1',
): Behaviour {
  return {
    body: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage,
    },
  };
}
