import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { captureTuple, insertStatement, spoolLineTuple, type CaptureRow } from './rows.js';

/** What the writer needs from the database: mysql2's Pool (or one connection) fits. */
export interface Queryable {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

export interface WriterLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface CaptureWriterOptions {
  /** Directory of the spool files (the VS Code layer passes the extension's global storage). */
  spoolDir: string;
  /** Spool file stem; a live process holding it makes this writer take `<name>-2`, `<name>-3`, … */
  spoolName: string;
  /** The database, asked again after every failure (it may reconnect or come from a new URL). */
  connection: () => Promise<Queryable>;
  /** Rows per INSERT statement. */
  maxBatchRows?: number;
  /**
   * Bytes of rows per INSERT statement. The default keeps a statement's text under V8's
   * large-object size (128 KiB), so it is freed by the young generation's collections rather than
   * kept until a full one (a 1,000-row statement is ~230 KB, and a burst makes hundreds); the
   * database's max_allowed_packet (16 MB on MariaDB, 64 MB on MySQL/TiDB) is far away either way.
   */
  maxStatementBytes?: number;
  /** How long rows may wait to fill a statement. */
  maxBatchDelayMs?: number;
  /** Rows kept in memory while uncommitted; beyond that write() waits, or rows are read back from the spool later. */
  maxBufferedRows?: number;
  /** The spool's bound; when it is full new rows are dropped (and counted) with a warning. */
  maxSpoolBytes?: number;
  /** fdatasync after each append: the spool survives a power loss, not only a crashed process. */
  fsync?: boolean;
  retryDelayMs?: { min: number; max: number };
  log?: WriterLog;
  /** Called once each time the spool fills up (the VS Code layer shows a notification). */
  onSpoolFull?: (message: string) => void;
}

export interface WriterStats {
  /** Rows appended to the spool. */
  spooled: number;
  /** Rows committed (inserted or found there already). */
  committed: number;
  inserted: number;
  duplicates: number;
  /** INSERT statements that committed. */
  statements: number;
  failedAttempts: number;
  /** Rows dropped because the spool was full. */
  dropped: number;
  /** Spool lines that could not be parsed (corruption) and were skipped. */
  corrupt: number;
  /** Rows in the spool not committed yet. */
  pending: number;
  spoolBytes: number;
}

/** Spool lines in memory: their bytes as appended and the offset where each line ends (after its `,\n`). */
interface Lines {
  bytes: Buffer;
  ends: Uint32Array;
}

/**
 * A run of spool lines [start, end) appended together. While its rows wait they are held as the
 * bytes appended (a few hundred bytes a row, outside the JS heap), which are also the text of the
 * INSERT; `lines` is dropped when the segment spills and read back from the spool when needed.
 */
interface Segment {
  start: number;
  end: number;
  count: number;
  lines: Lines | undefined;
  appendedAt: number;
  /** Rows of this segment committed so far (a segment can span several statements). */
  done: number;
  /** Rows of this segment sent in a statement (committed or in flight); never below `done`. */
  sent: number;
}

type Parts = Array<{ segment: Segment; rows: number }>;

/** One INSERT in flight; `outcome` is set when it settles. */
interface Statement {
  parts: Parts;
  rows: number;
  settled: Promise<void>;
  outcome?: { inserted: number } | { error: unknown };
}

/**
 * INSERTs in flight at once (each on its own pooled connection): while one commits (its fsync in
 * the database) the next is parsed and applied, and the database works on two CPUs. Results are
 * taken in the order sent, so the committed rows stay a prefix of the spool.
 */
const STATEMENTS_IN_FLIGHT = 2;

/** How long write() waits for a slow database before it spills rows to the spool instead. */
const BACK_PRESSURE_MAX_WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes capture rows to `filesystem_timestamps` through a durable append-only spool.
 *
 * Every row is appended to the spool file before it is inserted (write-ahead), inserted in
 * multi-row statements bounded by rows, bytes and time, and the spool is truncated only once
 * everything in it has committed. While the database is down rows keep going to the spool and are
 * replayed in order when it answers again; row ids are deterministic and duplicates are skipped, so
 * a replay after a crash never inserts a row twice. Spool files left by dead processes are adopted.
 */
export class CaptureWriter {
  private readonly segments: Segment[] = [];
  private size = 0;
  private buffered = 0;
  private readonly stats: Omit<WriterStats, 'pending' | 'spoolBytes'> = {
    spooled: 0,
    committed: 0,
    inserted: 0,
    duplicates: 0,
    statements: 0,
    failedAttempts: 0,
    dropped: 0,
    corrupt: 0,
  };
  /** Serialises every operation on the spool file (append, read, truncate). */
  private fileQueue: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private flushWaiters = 0;
  /** Set by sendNow() until every row written has been sent. */
  private sendEagerly = false;
  private down = false;
  private spoolFullWarned = false;
  private closed = false;
  private readonly maxBatchRows: number;
  private readonly maxStatementBytes: number;
  private readonly maxBatchDelayMs: number;
  private readonly maxBufferedRows: number;
  private readonly maxSpoolBytes: number;
  private readonly retry: { min: number; max: number };
  private drainedListeners: Array<() => void> = [];

  private constructor(
    private readonly options: CaptureWriterOptions,
    private readonly file: FileHandle,
    readonly spoolPath: string,
    private readonly lockPath: string,
  ) {
    this.maxBatchRows = options.maxBatchRows ?? 1000;
    this.maxStatementBytes = options.maxStatementBytes ?? 120_000;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? 50;
    this.maxBufferedRows = options.maxBufferedRows ?? 10_000;
    this.maxSpoolBytes = options.maxSpoolBytes ?? 256 * 1024 * 1024;
    this.retry = options.retryDelayMs ?? { min: 250, max: 30_000 };
  }

  /** Opens (or recovers) the spool and starts replaying what an earlier run left uncommitted. */
  static async open(options: CaptureWriterOptions): Promise<CaptureWriter> {
    await fs.mkdir(options.spoolDir, { recursive: true });
    const { spoolPath, lockPath } = await acquireSpool(options.spoolDir, options.spoolName);
    const file = await fs.open(spoolPath, 'a+');
    const writer = new CaptureWriter(options, file, spoolPath, lockPath);
    await writer.recover();
    await writer.adoptOrphans();
    if (writer.segments.length > 0) {
      options.log?.info(`Replaying ${writer.pendingRows()} spooled file capture(s) from ${spoolPath}.`);
      writer.kick();
    }
    return writer;
  }

  get statistics(): WriterStats {
    return { ...this.stats, pending: this.pendingRows(), spoolBytes: this.size };
  }

  /** Whether the last attempt to reach the database failed. */
  get databaseDown(): boolean {
    return this.down;
  }

  /**
   * Appends rows to the spool; resolves once they are durable there. Applies back-pressure: while
   * the database is up and too many rows wait in memory, it resolves only when the inserts catch up.
   * The rows are encoded before it returns, so it keeps none of them (nor their strings) meanwhile.
   */
  write(rows: readonly CaptureRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The capture writer is closed.'));
    return rows.length === 0 ? Promise.resolve() : this.append(spoolLines(rows.map(captureTuple)));
  }

  /** write() for rows encoded as spool lines. */
  private async append(lines: Lines): Promise<void> {
    const { bytes } = lines;
    const count = lines.ends.length;
    await this.onFile(async () => {
      if (this.size + bytes.length > this.maxSpoolBytes) {
        this.stats.dropped += count;
        if (!this.spoolFullWarned) {
          this.spoolFullWarned = true;
          const message = `The file-capture spool is full (${formatBytes(this.maxSpoolBytes)} at ${this.spoolPath}) because the database has been unreachable: new file events are dropped until it answers again.`;
          this.options.log?.warn(message);
          this.options.onSpoolFull?.(message);
        }
        return;
      }
      await this.file.appendFile(bytes);
      if (this.options.fsync ?? true) await this.file.datasync();
      this.segments.push({
        start: this.size,
        end: this.size + bytes.length,
        count,
        lines,
        appendedAt: Date.now(),
        done: 0,
        sent: 0,
      });
      this.size += bytes.length;
      this.buffered += count;
      this.stats.spooled += count;
      if (this.down) this.spill();
    });
    this.kick();
    // A slow database holds the caller back (the watcher keeps coalescing paths meanwhile) rather
    // than having rows read back from the spool; a stalled one only for a while, then rows spill.
    const deadline = Date.now() + BACK_PRESSURE_MAX_WAIT_MS;
    while (!this.down && !this.closed && this.buffered > this.maxBufferedRows && Date.now() < deadline) {
      await Promise.race([this.nextDrainProgress(), sleep(250)]);
    }
    this.spill();
  }

  /**
   * Sends the rows written so far without waiting for a fuller statement: the caller has no more
   * for now (the watcher, when nothing is pending), so waiting would only delay them.
   */
  sendNow(): void {
    this.sendEagerly = true;
    this.kick();
  }

  /** Resolves when every row written so far has committed, or rejects after `timeoutMs`. */
  async flush(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.flushWaiters++;
    this.kick();
    const deadline = Date.now() + timeoutMs;
    try {
      while (this.segments.length > 0) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `${this.pendingRows()} file capture(s) are not committed yet${this.down ? ' (the database is unreachable)' : ''}; they stay in ${this.spoolPath} and are replayed later.`,
          );
        }
        await Promise.race([this.nextDrainProgress(), sleep(Math.min(left, 1000))]);
      }
    } finally {
      this.flushWaiters--;
    }
  }

  /** Commits what it can within `timeoutMs`, then releases the spool; the rest is replayed by the next run. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    await this.flush(timeoutMs).catch((error: Error) => this.options.log?.warn(error.message));
    this.closed = true;
    this.wake?.();
    await this.draining?.catch(() => undefined);
    await this.onFile(() => this.file.close());
    if (this.segments.length === 0) await fs.rm(this.spoolPath, { force: true });
    await fs.rm(this.lockPath, { force: true });
  }

  private pendingRows(): number {
    return this.segments.reduce((sum, s) => sum + s.count - s.done, 0);
  }

  private onFile<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.fileQueue.then(operation);
    this.fileQueue = result.catch(() => undefined);
    return result;
  }

  private nextDrainProgress(): Promise<void> {
    return new Promise((resolve) => this.drainedListeners.push(resolve));
  }

  private progressed(): void {
    const listeners = this.drainedListeners;
    this.drainedListeners = [];
    for (const listener of listeners) listener();
  }

  /** Keeps at most maxBufferedRows in memory: older uncommitted segments are read back from the spool. */
  private spill(): void {
    for (const segment of this.segments) {
      if (this.buffered <= this.maxBufferedRows) break;
      if (segment.lines && segment !== this.segments[this.segments.length - 1]) {
        segment.lines = undefined;
        this.buffered -= segment.count - segment.done;
      }
    }
  }

  private kick(): void {
    if (this.wake) {
      // New rows end the wait for a fuller batch, not the back-off after a failure.
      if (!this.down) this.wake();
      return;
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      this.progressed();
      if (this.segments.length > 0 && !this.closed) this.kick();
    });
  }

  private async drain(): Promise<void> {
    let delay = this.retry.min;
    const inFlight: Statement[] = [];
    while (inFlight.length > 0 || (this.segments.length > 0 && !this.closed)) {
      const oldest = inFlight[0];
      const outcome = oldest?.outcome;
      if (outcome && 'error' in outcome) {
        // Statements sent after it may have committed: their rows are sent again (and skipped as duplicates).
        await Promise.all(inFlight.map((statement) => statement.settled));
        inFlight.length = 0;
        for (const segment of this.segments) segment.sent = segment.done;
        this.stats.failedAttempts++;
        if (!this.down) {
          this.down = true;
          this.options.log?.warn(
            `Cannot write file captures (${describe(outcome.error)}); they are kept in ${this.spoolPath} and retried.`,
          );
        }
        this.spill();
        this.progressed();
        await this.idle(delay);
        delay = Math.min(delay * 2, this.retry.max);
        continue;
      }
      if (outcome) {
        inFlight.shift();
        this.stats.statements++;
        this.stats.inserted += outcome.inserted;
        this.stats.duplicates += oldest.rows - outcome.inserted;
        this.stats.committed += oldest.rows;
        if (this.down) {
          this.down = false;
          this.options.log?.info('The database answers again: replaying spooled file captures.');
        }
        delay = this.retry.min;
        await this.commit(oldest.parts);
        this.progressed();
        continue;
      }
      const canSend = inFlight.length < STATEMENTS_IN_FLIGHT && !this.closed;
      const waitMs = canSend ? this.sendableIn() : Number.POSITIVE_INFINITY;
      if (waitMs <= 0) {
        inFlight.push(this.send(await this.nextBatch()));
        if (this.sendableIn() === Number.POSITIVE_INFINITY) this.sendEagerly = false;
        continue;
      }
      if (oldest && waitMs === Number.POSITIVE_INFINITY) {
        await oldest.settled;
        continue;
      }
      // Wait for the oldest statement, new rows (kick) or a fuller batch, whichever comes first.
      const idle = this.idle(Math.min(waitMs, this.maxBatchDelayMs));
      if (oldest) {
        await Promise.race([oldest.settled, idle]);
        this.wake?.();
      }
      await idle;
    }
  }

  /** Milliseconds until the unsent rows make a full statement, by rows or bytes (0: now; Infinity: no rows unsent). */
  private sendableIn(): number {
    let unsent = 0;
    let unsentBytes = 0;
    let oldestAppend: number | undefined;
    for (const segment of this.segments) {
      if (segment.sent >= segment.count) continue;
      unsent += segment.count - segment.sent;
      const ends = segment.lines?.ends;
      // A spilled segment (read back only when sent) counts whole: sending it early is harmless.
      unsentBytes += ends
        ? ends[segment.count - 1]! - (segment.sent === 0 ? 0 : ends[segment.sent - 1]!)
        : segment.end - segment.start;
      oldestAppend ??= segment.appendedAt;
    }
    if (oldestAppend === undefined) return Number.POSITIVE_INFINITY;
    if (
      this.flushWaiters > 0 ||
      this.sendEagerly ||
      unsent >= this.maxBatchRows ||
      unsentBytes >= this.maxStatementBytes
    )
      return 0;
    return oldestAppend + this.maxBatchDelayMs - Date.now();
  }

  private send(batch: { values: string; rows: number; parts: Parts }): Statement {
    for (const { segment, rows } of batch.parts) segment.sent += rows;
    const statement: Statement = { parts: batch.parts, rows: batch.rows, settled: Promise.resolve() };
    const sql = insertStatement(batch.values);
    statement.settled = (async () => {
      try {
        const queryable = await this.options.connection();
        const [result] = (await queryable.query(sql)) as [{ affectedRows?: number }];
        statement.outcome = { inserted: result?.affectedRows ?? 0 };
      } catch (error) {
        statement.outcome = { error };
      }
    })();
    return statement;
  }

  private idle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /** The oldest unsent rows as a VALUES list (their spool lines), up to one statement's worth, and the segment ranges they cover. */
  private async nextBatch(): Promise<{ values: string; rows: number; parts: Parts }> {
    const texts: string[] = [];
    const parts: Parts = [];
    let rows = 0;
    let bytes = 0;
    for (const segment of this.segments) {
      if (rows >= this.maxBatchRows) break;
      if (segment.sent >= segment.count) continue;
      const { bytes: data, ends } = segment.lines ?? (await this.readSegment(segment));
      const from = segment.sent === 0 ? 0 : ends[segment.sent - 1]!;
      let to = from;
      let taken = 0;
      for (let i = segment.sent; i < segment.count && rows < this.maxBatchRows; i++) {
        if (rows > 0 && bytes + ends[i]! - to > this.maxStatementBytes) break;
        bytes += ends[i]! - to;
        to = ends[i]!;
        rows++;
        taken++;
      }
      if (taken > 0) {
        parts.push({ segment, rows: taken });
        texts.push(data.toString('utf8', from, to - 2)); // without the last line's `,\n`
      }
      if (segment.sent + taken < segment.count) break;
    }
    return { values: texts.join(',\n'), rows, parts };
  }

  /** A spilled segment's lines from the spool; unreadable ones are skipped (and no longer counted). */
  private async readSegment(segment: Segment): Promise<Lines> {
    const buffer = Buffer.alloc(segment.end - segment.start);
    await this.onFile(() => this.file.read(buffer, 0, buffer.length, segment.start));
    const tuples: string[] = [];
    for (const line of buffer.toString('utf8').split('\n')) {
      if (line === '') continue;
      const tuple = spoolLineTuple(line);
      if (tuple) tuples.push(tuple);
    }
    // Keep the lines while they are being inserted; spill() drops them again if memory is short.
    segment.lines = spoolLines(tuples);
    segment.count = tuples.length;
    this.buffered += tuples.length - segment.done;
    return segment.lines;
  }

  /** Marks rows committed; truncates the spool once nothing in it is pending. */
  private async commit(parts: Parts): Promise<void> {
    for (const { segment, rows } of parts) {
      segment.done += rows;
      if (segment.lines) this.buffered -= rows;
    }
    while (this.segments.length > 0 && this.segments[0]!.done >= this.segments[0]!.count) this.segments.shift();
    if (this.segments.length === 0) {
      await this.onFile(async () => {
        // An append may have queued meanwhile: truncate only if the spool is still fully committed.
        if (this.segments.length > 0) return;
        await this.file.truncate(0);
        if (this.options.fsync ?? true) await this.file.datasync();
        this.size = 0;
        this.spoolFullWarned = false;
      });
    }
  }

  /** Rebuilds the segment list from a spool left by an earlier run; a torn last line is cut off. */
  private async recover(): Promise<void> {
    const { size } = await this.file.stat();
    if (size === 0) return;
    const parsed = await scanSpool(this.file, size, this.maxBatchRows);
    this.stats.corrupt += parsed.corrupt;
    if (parsed.corrupt > 0) {
      this.options.log?.warn(`${parsed.corrupt} unreadable line(s) in ${this.spoolPath} were skipped.`);
    }
    if (parsed.validEnd < size) await this.file.truncate(parsed.validEnd);
    this.size = parsed.validEnd;
    for (const segment of parsed.segments) this.segments.push(segment);
    this.spill();
  }

  /** Spool files of processes that died are appended to this spool (in order), then removed. */
  private async adoptOrphans(): Promise<void> {
    const own = path.basename(this.spoolPath);
    for (const name of (await fs.readdir(this.options.spoolDir)).sort()) {
      if (!name.endsWith('.spool') || name === own) continue;
      const orphan = path.join(this.options.spoolDir, name);
      const lock = orphan.replace(/\.spool$/, '.lock');
      if (!(await takeLock(lock))) continue;
      try {
        const content = await fs.readFile(orphan);
        const complete = content.subarray(0, content.lastIndexOf(0x0a) + 1);
        if (complete.length > 0) {
          const tuples = complete
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map(spoolLineTuple)
            .filter((tuple): tuple is string => tuple !== undefined);
          for (let i = 0; i < tuples.length; i += this.maxBatchRows)
            await this.append(spoolLines(tuples.slice(i, i + this.maxBatchRows)));
          this.options.log?.info(`Adopted ${tuples.length} spooled file capture(s) from ${orphan}.`);
        }
        await fs.rm(orphan, { force: true });
      } finally {
        await fs.rm(lock, { force: true });
      }
    }
  }
}

/**
 * Spool lines (`tuple,`) encoded straight into one buffer: joined first, a batch's text (~230 bytes a row)
 * would be one string big enough for V8's large-object space, which only a full garbage
 * collection frees, and the watcher makes one per batch.
 */
function spoolLines(tuples: readonly string[]): Lines {
  let length = tuples.length * 2;
  for (const tuple of tuples) length += Buffer.byteLength(tuple);
  const bytes = Buffer.allocUnsafe(length);
  const ends = new Uint32Array(tuples.length);
  let offset = 0;
  tuples.forEach((tuple, i) => {
    offset += bytes.write(tuple, offset);
    bytes[offset++] = 0x2c; // ,
    bytes[offset++] = 0x0a;
    ends[i] = offset;
  });
  return { bytes, ends };
}

async function scanSpool(
  file: FileHandle,
  size: number,
  rowsPerSegment: number,
): Promise<{ segments: Segment[]; validEnd: number; corrupt: number }> {
  const segments: Segment[] = [];
  let corrupt = 0;
  let position = 0;
  let carry = Buffer.alloc(0);
  let segmentStart = 0;
  let segmentCount = 0;
  let lineStart = 0;
  const chunk = Buffer.alloc(1024 * 1024);
  const close = (end: number) => {
    if (segmentCount > 0) {
      segments.push({
        start: segmentStart,
        end,
        count: segmentCount,
        lines: undefined,
        appendedAt: 0,
        done: 0,
        sent: 0,
      });
    }
    segmentStart = end;
    segmentCount = 0;
  };
  while (position < size) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
    let newline: number;
    while ((newline = data.indexOf(0x0a)) !== -1) {
      const line = data.subarray(0, newline).toString('utf8');
      const lineEnd = lineStart + newline + 1;
      if (line !== '') {
        if (spoolLineTuple(line)) segmentCount++;
        else corrupt++;
      }
      lineStart = lineEnd;
      data = data.subarray(newline + 1);
      if (segmentCount >= rowsPerSegment) close(lineStart);
    }
    carry = Buffer.from(data);
  }
  close(lineStart);
  return { segments, validEnd: lineStart, corrupt };
}

/** Creates `lock` holding our pid; a lock of a dead process is taken over. */
async function takeLock(lock: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return false;
      await fs.rm(lock, { force: true });
    }
  }
  return false;
}

async function acquireSpool(dir: string, name: string): Promise<{ spoolPath: string; lockPath: string }> {
  const stem = name.replace(/[^A-Za-z0-9._-]/g, '_');
  for (let n = 1; n < 100; n++) {
    const base = path.join(dir, n === 1 ? stem : `${stem}-${n}`);
    if (await takeLock(`${base}.lock`)) return { spoolPath: `${base}.spool`, lockPath: `${base}.lock` };
  }
  throw new Error(`No free spool file named ${stem} in ${dir}: 99 live processes hold one.`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round(bytes / 1048576)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e?.message ?? String(error);
  if (e?.code === 'ER_NO_SUCH_TABLE' || e?.code === 'ER_BAD_FIELD_ERROR') {
    return `the database schema is older than model 1.2.0 — run "Cockpit: Connect Database" or \`cockpit migrate\`: ${message}`;
  }
  return message;
}
