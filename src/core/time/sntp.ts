/**
 * A small SNTP client (RFC 4330, NTPv4 packet format) over UDP. Why not a package: `sntp` is
 * deprecated and `@hapi/sntp` reports milliseconds as floats through four @hapi dependencies;
 * the Cockpit compares clocks in integer microseconds against its own anchored host clock.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from './clock.js';

const PACKET_BYTES = 48;
/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch. */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const TWO_POW_32 = 4_294_967_296;
const NTP_VERSION = 4;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;

export interface SntpServer {
  host: string;
  port: number;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`; port 123 by default. */
export function parseSntpServer(spec: string): SntpServer {
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? (isIP(text) === 6 ? [text, text, undefined] : plain);
  const host = match?.[1];
  const port = match?.[2] === undefined ? 123 : Number(match[2]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`"${spec.slice(0, 100)}" is not an NTP server (expected host, host:port or [IPv6]:port).`);
  }
  return { host, port };
}

/** Unix microseconds → the 64-bit NTP timestamp (seconds since 1900 + 32-bit fraction). */
export function writeNtpTimestamp(buffer: Buffer, offset: number, unixMicros: number): void {
  const unixSeconds = Math.floor(unixMicros / 1_000_000);
  const micros = unixMicros - unixSeconds * 1_000_000;
  // Era 1 (from 2036-02-07) wraps the 32-bit seconds field; the reader undoes it (RFC 4330 §3).
  const seconds = (unixSeconds + NTP_UNIX_OFFSET_SECONDS) % TWO_POW_32;
  buffer.writeUInt32BE(seconds, offset);
  buffer.writeUInt32BE(Math.min(TWO_POW_32 - 1, Math.round((micros * TWO_POW_32) / 1_000_000)), offset + 4);
}

/** The NTP timestamp at `offset` in Unix microseconds; seconds with the top bit clear are era 1 (2036–2104). */
export function readNtpTimestamp(buffer: Buffer, offset: number): number {
  let seconds = buffer.readUInt32BE(offset);
  const fraction = buffer.readUInt32BE(offset + 4);
  if (seconds < 0x8000_0000) seconds += TWO_POW_32;
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1_000_000 + Math.round((fraction * 1_000_000) / TWO_POW_32);
}

/** A client request: LI 0, version 4, mode 3, and the client's transmit time (echoed back as "originate"). */
export function buildRequest(transmitMicros: number): Buffer {
  const packet = Buffer.alloc(PACKET_BYTES);
  packet[0] = (0 << 6) | (NTP_VERSION << 3) | MODE_CLIENT;
  writeNtpTimestamp(packet, 40, transmitMicros);
  return packet;
}

export interface SntpReply {
  stratum: number;
  /** The reference identifier: a kiss code or a source name for stratum 0–1, an address hash otherwise. */
  referenceId: string;
  receiveMicros: number;
  transmitMicros: number;
}

/** Thrown for a reply that is well-formed but says "do not use me" (kiss-o'-death, unsynchronised). */
export class SntpRefusal extends Error {}

/**
 * Checks a reply against RFC 4330 §5. Returns `undefined` for packets that do not answer our request
 * (wrong originate timestamp: late or forged), which the caller ignores.
 */
export function parseReply(packet: Buffer, request: Buffer): SntpReply | undefined {
  if (packet.length < PACKET_BYTES) return undefined;
  if (!packet.subarray(24, 32).equals(request.subarray(40, 48))) return undefined;
  const first = packet[0] ?? 0;
  const leap = first >> 6;
  const version = (first >> 3) & 0b111;
  const mode = first & 0b111;
  const stratum = packet[1] ?? 0;
  const refBytes = packet.subarray(12, 16);
  const ascii = refBytes.toString('latin1').replace(/\0+$/, '');
  if (mode !== MODE_SERVER) throw new SntpRefusal(`the reply has mode ${mode}, not 4 (server)`);
  if (version < 3 || version > 4) throw new SntpRefusal(`the reply has NTP version ${version}`);
  if (stratum === 0) throw new SntpRefusal(`kiss-o'-death "${ascii.replace(/[^\x20-\x7e]/g, '?')}"`);
  if (stratum > 15) throw new SntpRefusal(`stratum ${stratum}: the server is not synchronised`);
  if (leap === 3) throw new SntpRefusal('leap indicator 3: the server clock is not synchronised');
  if (packet.readUInt32BE(40) === 0 && packet.readUInt32BE(44) === 0) {
    throw new SntpRefusal('the reply has no transmit timestamp');
  }
  const referenceId = stratum === 1 ? ascii : [...refBytes].join('.');
  return {
    stratum,
    referenceId,
    receiveMicros: readNtpTimestamp(packet, 32),
    transmitMicros: readNtpTimestamp(packet, 40),
  };
}

export interface SntpMeasurement {
  server: string;
  stratum: number;
  referenceId: string;
  /** Server minus host: ((T2 − T1) + (T3 − T4)) / 2. */
  offsetMicros: number;
  /** (T4 − T1) − (T3 − T2): the network part of the round trip. */
  roundTripMicros: number;
  samples: number;
}

export interface SntpOptions {
  clock: Clock;
  /** Queries per server; the one with the lowest round trip wins. Default 4. */
  samples?: number;
  /** Per query. Default 1500 ms. */
  timeoutMs?: number;
}

async function resolve(server: SntpServer): Promise<{ address: string; family: 4 | 6 }> {
  const family = isIP(server.host);
  if (family === 4 || family === 6) return { address: server.host, family };
  const found = await lookup(server.host);
  return { address: found.address, family: found.family === 6 ? 6 : 4 };
}

/** One request/reply on a connected socket (so ICMP "port unreachable" surfaces as ECONNREFUSED). */
function exchange(
  socket: dgram.Socket,
  clock: Clock,
  timeoutMs: number,
  describe: string,
): Promise<{ reply: SntpReply; t1: number; t4: number }> {
  return new Promise((resolvePromise, reject) => {
    const t1 = clock.nowMicros();
    const request = buildRequest(t1);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no answer from ${describe} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (packet: Buffer) => {
      const t4 = clock.nowMicros();
      try {
        const reply = parseReply(packet, request);
        if (!reply) return;
        cleanup();
        resolvePromise({ reply, t1, t4 });
      } catch (error) {
        cleanup();
        reject(error);
      }
    };
    const onError = (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(new Error(error.code === 'ECONNREFUSED' ? `${describe} refused the connection` : error.message));
    };
    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.send(request, (error) => {
      if (error) onError(error);
    });
  });
}

/** Queries one server several times and keeps the sample with the lowest round trip. */
export async function querySntp(spec: string, options: SntpOptions): Promise<SntpMeasurement> {
  const server = parseSntpServer(spec);
  const describe = `NTP server ${spec}`;
  const timeoutMs = options.timeoutMs ?? 1500;
  const { address, family } = await resolve(server).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`${describe}: host not found (${error.code ?? error.message})`);
  });
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  socket.on('error', () => undefined); // errors are handled per exchange; never an unhandled 'error' event
  try {
    await new Promise<void>((resolveConnect, reject) => {
      socket.once('error', reject);
      socket.connect(server.port, address, () => {
        socket.off('error', reject);
        resolveConnect();
      });
    });
    let best: SntpMeasurement | undefined;
    let lastError: unknown;
    const count = Math.max(1, options.samples ?? 4);
    for (let i = 0; i < count; i++) {
      try {
        const { reply, t1, t4 } = await exchange(socket, options.clock, timeoutMs, describe);
        const offsetMicros = Math.round((reply.receiveMicros - t1 + (reply.transmitMicros - t4)) / 2);
        const roundTripMicros = Math.max(0, t4 - t1 - (reply.transmitMicros - reply.receiveMicros));
        if (!best || roundTripMicros < best.roundTripMicros) {
          best = {
            server: spec,
            stratum: reply.stratum,
            referenceId: reply.referenceId,
            offsetMicros,
            roundTripMicros,
            samples: 0,
          };
        }
      } catch (error) {
        // A refusal (kiss-o'-death, unsynchronised server) will not change on the next try.
        if (error instanceof SntpRefusal) throw new Error(`${describe}: ${error.message}`);
        lastError = error;
        // Two failures and no answer yet: unreachable; do not wait out every remaining timeout.
        if (!best && i >= 1) break;
      }
    }
    if (!best) throw lastError instanceof Error ? lastError : new Error(`${describe}: no reply`);
    return { ...best, samples: count };
  } finally {
    socket.close();
  }
}
