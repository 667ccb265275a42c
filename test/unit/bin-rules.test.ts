import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  suggestFileName,
  suggestName,
  suggestTimestamp,
  suggestVersion,
  toKebabCase,
} from '../../src/core/bin/fixes.js';
import { compileGuardrail, type GuardrailRow } from '../../src/core/bin/guardrails.js';
import { analyseImpact, parseSubscriptions } from '../../src/core/bin/impact.js';
import { leaves, parseJsonPath, selectJsonPath } from '../../src/core/bin/json-path.js';
import { compilePattern } from '../../src/core/bin/regex.js';
import { checkValue, compileStandard, parseTargets, type StandardRow } from '../../src/core/bin/standards.js';
import { parsePayload, serializePayload } from '../../src/core/bin/submit.js';
import { SEED_STANDARDS } from '../../src/db/seed-data.js';

const standard = (id: string): StandardRow => {
  const seed = SEED_STANDARDS.find((s) => s.id === id)!;
  return { ...seed, isActive: true } as StandardRow;
};
const guardrail = (configuration: unknown, autoReject = true): GuardrailRow => ({
  id: 'g',
  projectId: null,
  ruleId: 'rule',
  description: 'test',
  severity: 'HIGH',
  autoReject,
  configuration,
  enabled: true,
});
const change = (payload: unknown, changeType = 'test.changed') => ({
  changeType,
  payload,
  bytes: Buffer.byteLength(JSON.stringify(payload)),
});

describe('suggested fixes', () => {
  it('turns timestamps into ISO 8601 Zulu, keeping microseconds', () => {
    assert.equal(suggestTimestamp('2026-01-01 14:30:45'), '2026-01-01T14:30:45Z');
    assert.equal(suggestTimestamp('2026-01-01 14:30:45.123456'), '2026-01-01T14:30:45.123456Z');
    assert.equal(suggestTimestamp('2026-01-01T16:30:45.5+02:00'), '2026-01-01T14:30:45.5Z');
    assert.equal(suggestTimestamp('2026-01-01'), '2026-01-01T00:00:00Z');
    assert.equal(suggestTimestamp(1767277845), '2026-01-01T14:30:45Z');
    assert.equal(suggestTimestamp('next tuesday'), null);
  });
  it('turns names into kebab-case and versions into SemVer', () => {
    assert.equal(suggestName('My Dashboard'), 'my-dashboard');
    assert.equal(toKebabCase('tokenUsageHTTPReport'), 'token-usage-http-report');
    assert.equal(suggestFileName('My File.Test.TS'), 'my-file.test.ts');
    assert.equal(suggestVersion('1.2'), '1.2.0');
    assert.equal(suggestVersion('v1'), '1.0.0');
    assert.equal(suggestVersion('01.2.3-beta.1'), '1.2.3-beta.1');
    assert.equal(suggestVersion('latest'), null);
  });
  it('keeps a fix only when the standard accepts it, and fixes the file name inside a path', () => {
    const files = compileStandard(standard('nm-001-kebab-file'));
    assert.deepEqual(checkValue(files, 'src/core/My Module.TS', 'file'), {
      ok: false,
      suggestedFix: 'src/core/my-module.ts',
    });
    assert.deepEqual(checkValue(files, 'src/core/token-usage.ts', 'file'), { ok: true, suggestedFix: null });
    const semver = compileStandard(standard('vs-001-semver'));
    assert.deepEqual(checkValue(semver, 'v1.2', 'tag'), { ok: false, suggestedFix: 'v1.2.0' });
    assert.deepEqual(checkValue(semver, 'v1.2.3', 'tag'), { ok: true, suggestedFix: null });
    assert.deepEqual(checkValue(semver, 1.2, 'value'), { ok: false, suggestedFix: '1.2.0' });
  });
});

describe('standard targets', () => {
  it('defaults to the documented key conventions of the category', () => {
    const temporal = parseTargets(null, 'temporal');
    for (const key of ['created_at', 'updatedAt', 'timestamp', 'date']) assert.ok(temporal.key(key), key);
    for (const key of ['format', 'data', 'attack']) assert.ok(!temporal.key(key), key);
    const naming = parseTargets(null, 'nomenclature');
    assert.ok(naming.key('name') && naming.key('dashboard_name') && naming.file && !naming.tag);
    const versioning = parseTargets(null, 'versioning');
    assert.ok(versioning.key('version') && versioning.key('schema_version') && versioning.tag);
  });
  it('refuses a target that is neither a key glob nor @file/@tag', () => {
    assert.throws(() => parseTargets('name,@branch', 'nomenclature'), /appliesTo: "@branch"/);
  });
});

describe('patterns run on re2js', () => {
  it("finishes (a+)+$ on 50 000 a's and a ! in milliseconds", () => {
    const regex = compilePattern('(a+)+$', 'pattern');
    const started = performance.now();
    // No match (the input ends in !): exactly where a backtracking engine explodes.
    assert.equal(regex.test(`${'a'.repeat(50_000)}!`), false);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 500, `took ${elapsed.toFixed(1)} ms`);
  });
  it('refuses what RE2 cannot compile, naming the field and the reason', () => {
    assert.throws(
      () => compilePattern('(a)\\1', 'patternRegex'),
      (e: Error & { field?: string }) => {
        assert.equal(e.field, 'patternRegex');
        assert.match(e.message, /cannot be used \(.*invalid escape sequence.*\)\. Patterns use RE2 syntax/);
        return true;
      },
    );
    assert.throws(() => compilePattern('(?=x)', 'configuration.pattern'), /configuration\.pattern/);
  });
});

describe('guardrail kinds', () => {
  it('secret_scan finds credentials, never echoes them, and redacts the payload', () => {
    const rule = compileGuardrail(guardrail({ kind: 'secret_scan' }));
    const secret = 'AKIAABCDEFGHIJKLMNOP';
    const outcome = rule.evaluate(change({ notes: `deploy with ${secret}`, nested: { apiKey: 'abcdefgh12345678' } }));
    assert.equal(outcome.passed, false);
    assert.ok(!outcome.message.includes(secret));
    assert.match(outcome.message, /AWS access key at \$\.notes and 1 more/);
    assert.deepEqual(outcome.redactedPayload, {
      notes: 'deploy with [REDACTED AWS access key]',
      nested: { apiKey: '[REDACTED]' },
    });
    assert.equal(rule.evaluate(change({ notes: 'nothing to see' })).passed, true);
  });
  it('max_size, json_schema, protected_paths, regex_deny and regex_require', () => {
    assert.equal(
      compileGuardrail(guardrail({ kind: 'max_size', maxBytes: 10 })).evaluate(change({ a: 'long text' })).passed,
      false,
    );
    const schema = compileGuardrail(
      guardrail({ kind: 'json_schema', changeTypes: ['decision.*'], schema: { type: 'object', required: ['title'] } }),
    );
    assert.ok(schema.appliesTo('decision.accepted') && !schema.appliesTo('file.changed'));
    assert.match(schema.evaluate(change({})).message, /must have required property 'title'/);
    const paths = compileGuardrail(guardrail({ kind: 'protected_paths', globs: ['.git/**', '**/.env'] }));
    assert.equal(paths.evaluate(change({ path: 'config/.env' })).passed, false);
    assert.equal(paths.evaluate(change({ files: ['src/a.ts', '.git/HEAD'] })).path, '$.files[1]');
    assert.equal(paths.evaluate(change({ path: 'src/env.ts' })).passed, true);
    const deny = compileGuardrail(guardrail({ kind: 'regex_deny', path: '$.command', pattern: 'rm\\s+-rf' }));
    assert.equal(deny.evaluate(change({ command: 'rm -rf /' })).passed, false);
    assert.equal(deny.evaluate(change({})).passed, true);
    const require = compileGuardrail(guardrail({ kind: 'regex_require', path: '$.ticket', pattern: '^[A-Z]+-\\d+$' }));
    assert.equal(require.evaluate(change({ ticket: 'COCK-12' })).passed, true);
    assert.equal(require.evaluate(change({ ticket: 'nope' })).passed, false);
    assert.match(require.evaluate(change({})).message, /\$\.ticket is required and missing/);
  });
  it('reports an unusable stored configuration instead of skipping the rule', () => {
    const broken = compileGuardrail(guardrail({ kind: 'regex_deny', path: '$.x', pattern: '(a)\\1' }));
    assert.equal(broken.kind, 'invalid');
    assert.match(broken.evaluate(change({})).message, /configuration is unusable/);
    assert.match(
      compileGuardrail(guardrail({ kind: 'telepathy' })).evaluate(change({})).message,
      /configuration\.kind/,
    );
  });
});

describe('payloads and paths', () => {
  it('refuses invalid JSON and values JSON cannot hold, with clear messages', () => {
    assert.throws(() => parsePayload('{"a": }'), /payload is not valid JSON/);
    assert.throws(() => serializePayload({ a: Number.NaN }), /\$\.a is NaN/);
    assert.throws(() => serializePayload({ big: 'x'.repeat(1024 * 1024) }), /bytes; the limit is 1048576/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => serializePayload(circular), /nested deeper than 64 levels/);
  });
  it('selects JSON paths and lists leaves with their keys', () => {
    const payload = { files: [{ path: 'a' }, { path: 'b' }], 'odd key': 1 };
    assert.deepEqual(
      selectJsonPath(payload, parseJsonPath('$.files[*].path')).map((v) => v.value),
      ['a', 'b'],
    );
    assert.deepEqual(selectJsonPath(payload, parseJsonPath("$['odd key']")), [{ path: "$['odd key']", value: 1 }]);
    assert.deepEqual(
      leaves(payload).map((l) => [l.path, l.key]),
      [
        ['$.files[0].path', 'path'],
        ['$.files[1].path', 'path'],
        ["$['odd key']", 'odd key'],
      ],
    );
    assert.throws(() => parseJsonPath('$.a..b'), /not a JSON path/);
  });
});

describe('impact analysis', () => {
  it('follows subscriptions with payload filters and skips the source module', () => {
    const module = (id: string, dashboardId: string, subscriptions: unknown) => ({
      id,
      name: id,
      moduleType: 'checklist',
      dashboardId,
      dashboardName: dashboardId,
      projectId: 'p',
      subscriptions: parseSubscriptions(subscriptions),
    });
    const subscribers = [
      module('m1', 'd1', ['decision.*']),
      module('m2', 'd2', [{ changeType: 'file.changed', filter: { '$.path': 'src/**' } }]),
      module('m3', 'd3', ['decision.accepted']),
      module('m4', 'd4', ['decision.accepted']),
      module('m5', 'd5', ['decision.accepted']),
    ];
    const decision = analyseImpact({ changeType: 'decision.accepted', payload: {}, sourceModuleId: 'm3' }, subscribers);
    assert.deepEqual(
      decision.dashboards.map((d) => d.id),
      ['d1', 'd4', 'd5'],
    );
    assert.equal(decision.highImpact, false);
    const all = analyseImpact({ changeType: 'decision.accepted', payload: {}, sourceModuleId: null }, subscribers);
    assert.equal(all.dashboardCount, 4);
    assert.equal(all.highImpact, true);
    assert.equal(
      analyseImpact({ changeType: 'file.changed', payload: { path: 'src/a.ts' }, sourceModuleId: null }, subscribers)
        .moduleCount,
      1,
    );
    assert.equal(
      analyseImpact({ changeType: 'file.changed', payload: { path: 'docs/a.md' }, sourceModuleId: null }, subscribers)
        .moduleCount,
      0,
    );
    assert.throws(
      () => parseSubscriptions([{ changeType: 'x', filter: { '$..': 1 } }]),
      /configuration\.subscriptions\.0\.filter\.0/,
    );
  });
});
