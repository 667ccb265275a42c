import { createReadStream } from 'node:fs';

export interface LogLine {
  text: string;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just after its newline: where the next read resumes. */
  end: number;
}

export interface ReadOptions {
  /** Lines longer than this are reported as `oversized` and skipped, so memory stays bounded. */
  maxLineBytes?: number;
  chunkBytes?: number;
}

const NEWLINE = 0x0a;

/**
 * Streams the complete lines of a file from `start`, in file order, without ever holding more than
 * one chunk plus one line. A last line without its newline (still being written) is not returned:
 * the caller resumes from the `end` of the last line it got.
 */
export async function* readLines(
  path: string,
  start: number,
  options: ReadOptions = {},
): AsyncGenerator<LogLine | { oversized: true; start: number; end: number }> {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  const stream = createReadStream(path, { start, highWaterMark: options.chunkBytes ?? 1024 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineStart = start;
  let skipping = false;
  let position = start;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(NEWLINE, from); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
        const end = position + nl + 1;
        if (skipping) {
          yield { oversized: true, start: lineStart, end };
        } else {
          const piece = chunk.subarray(from, nl);
          const bytes = pendingBytes + piece.length;
          if (bytes > maxLineBytes) {
            yield { oversized: true, start: lineStart, end };
          } else {
            const buffer = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece], bytes);
            // Windows line endings: drop the \r.
            const text = buffer.toString(
              'utf8',
              0,
              buffer.length > 0 && buffer[buffer.length - 1] === 0x0d ? buffer.length - 1 : buffer.length,
            );
            yield { text, start: lineStart, end };
          }
        }
        pending = [];
        pendingBytes = 0;
        skipping = false;
        lineStart = end;
        from = nl + 1;
      }
      if (from < chunk.length && !skipping) {
        const rest = chunk.subarray(from);
        if (pendingBytes + rest.length > maxLineBytes) {
          pending = [];
          pendingBytes = 0;
          skipping = true;
        } else {
          // Copy: the stream may reuse its chunk buffers.
          pending.push(Buffer.from(rest));
          pendingBytes += rest.length;
        }
      }
      position += chunk.length;
    }
  } finally {
    stream.destroy();
  }
}
