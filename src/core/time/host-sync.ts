/**
 * The host's own synchronisation, read without root: `chronyc tracking` (offset of the system
 * clock from NTP time, stratum, leap status) or, without chrony, `timedatectl show` (only whether
 * the clock is synchronised). Absent tools are not an error: many machines have neither.
 */
import { execFile } from 'node:child_process';

export interface ChronyTracking {
  referenceId: string;
  stratum: number;
  /** NTP time minus host time (chrony reports how far the system clock is fast or slow of NTP time). */
  offsetMicros: number;
  rmsOffsetMicros: number | null;
  rootDelayMicros: number | null;
  rootDispersionMicros: number | null;
  leapStatus: string;
}

const seconds = (text: string | undefined): number | null => {
  const match = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s+seconds/.exec(text ?? '');
  return match ? Math.round(Number(match[1]) * 1_000_000) : null;
};

/** Parses the human-readable `chronyc tracking` report (stable across chrony 2–4). */
export function parseChronyTracking(output: string): ChronyTracking | undefined {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const system = /^(\d+(?:\.\d+)?)\s+seconds\s+(fast|slow)\s+of NTP time/.exec(fields.get('System time') ?? '');
  const stratum = Number(fields.get('Stratum'));
  if (!system || !Number.isInteger(stratum)) return undefined;
  const magnitude = Math.round(Number(system[1]) * 1_000_000);
  return {
    referenceId: fields.get('Reference ID') ?? '',
    stratum,
    // "fast of NTP time": the host is ahead, so NTP time is behind the host.
    offsetMicros: system[2] === 'fast' ? -magnitude : magnitude,
    rmsOffsetMicros: seconds(fields.get('RMS offset')),
    rootDelayMicros: seconds(fields.get('Root delay')),
    rootDispersionMicros: seconds(fields.get('Root dispersion')),
    leapStatus: fields.get('Leap status') ?? 'unknown',
  };
}

/** `NTPSynchronized=yes|no` from `timedatectl show`. */
export function parseTimedatectl(output: string): { ntpSynchronized: boolean } | undefined {
  const match = /^NTPSynchronized=(yes|no)$/m.exec(output);
  return match ? { ntpSynchronized: match[1] === 'yes' } : undefined;
}

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 3000, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

export type HostSync =
  { tool: 'chrony'; tracking: ChronyTracking } | { tool: 'timedatectl'; ntpSynchronized: boolean } | { tool: 'none' };

/** What the host says about its own synchronisation; `none` when neither tool answers. */
export async function readHostSync(): Promise<HostSync> {
  const chrony = await run('chronyc', ['tracking']);
  const tracking = chrony === undefined ? undefined : parseChronyTracking(chrony);
  if (tracking) return { tool: 'chrony', tracking };
  const timedatectl = await run('timedatectl', ['show']);
  const parsed = timedatectl === undefined ? undefined : parseTimedatectl(timedatectl);
  if (parsed) return { tool: 'timedatectl', ntpSynchronized: parsed.ntpSynchronized };
  return { tool: 'none' };
}
