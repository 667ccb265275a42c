/** SemVer 2.0.0 parsing, precedence and bumps for dashboard template versions. */

// The regex semver.org publishes (named groups), anchored.
const SEMVER =
  /^(?<major>0|[1-9]\d*)\.(?<minor>0|[1-9]\d*)\.(?<patch>0|[1-9]\d*)(?:-(?<prerelease>(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+(?<build>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

export type Bump = 'major' | 'minor' | 'patch';

export function parseSemVer(value: string): SemVer | undefined {
  const groups = SEMVER.exec(value)?.groups;
  if (!groups) return undefined;
  const numbers = [groups.major, groups.minor, groups.patch].map(Number);
  // Beyond 2^53 the comparison would be wrong; no template gets there.
  if (numbers.some((n) => !Number.isSafeInteger(n))) return undefined;
  const [major = 0, minor = 0, patch = 0] = numbers;
  return { major, minor, patch, prerelease: groups.prerelease ? groups.prerelease.split('.') : [] };
}

export const isSemVer = (value: string) => parseSemVer(value) !== undefined;

function mustParse(value: string): SemVer {
  const parsed = parseSemVer(value);
  if (!parsed) throw new RangeError(`"${value}" is not a SemVer version.`);
  return parsed;
}

/** SemVer precedence (§11): negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareSemVer(a: string, b: string): number {
  const x = mustParse(a);
  const y = mustParse(b);
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (x[key] !== y[key]) return x[key] - y[key];
  }
  // A version without a pre-release ranks above the same version with one.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pNumeric = /^\d+$/.test(p);
    const qNumeric = /^\d+$/.test(q);
    if (pNumeric && qNumeric) return Number(p) - Number(q);
    if (pNumeric) return -1; // numeric identifiers rank below alphanumeric ones
    if (qNumeric) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** The highest of `versions` by SemVer precedence, or undefined for none. */
export function latestSemVer(versions: Iterable<string>): string | undefined {
  let latest: string | undefined;
  for (const version of versions) if (latest === undefined || compareSemVer(version, latest) > 0) latest = version;
  return latest;
}

/**
 * The next version after `version` for a change of kind `bump`. A pre-release first releases the
 * version it leads to, as npm's semver does: 2.0.0-rc.1 + major → 2.0.0, 1.3.0-beta + minor → 1.3.0,
 * 1.2.3-rc.1 + patch → 1.2.3.
 */
export function bumpSemVer(version: string, bump: Bump): string {
  const { major, minor, patch, prerelease } = mustParse(version);
  const pre = prerelease.length > 0;
  if (bump === 'major') return pre && minor === 0 && patch === 0 ? `${major}.0.0` : `${major + 1}.0.0`;
  if (bump === 'minor') return pre && patch === 0 ? `${major}.${minor}.0` : `${major}.${minor + 1}.0`;
  return pre ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1}`;
}
