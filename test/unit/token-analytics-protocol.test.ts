import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResponseMessage } from '../../src/protocol.js';
import { createDispatcher, type RequestHandlers } from '../../src/vscode/webview/dispatcher.js';

const view = { project: null, problem: 'none', report: null };

function setup() {
  const calls: unknown[] = [];
  const handlers: RequestHandlers = {
    'tokens/analytics': (params) => (calls.push(params), view),
    'tokens/export': (params) => (calls.push(params), { saved: null }),
  };
  return { dispatch: createDispatcher(handlers, { logError: () => undefined }), calls };
}

const request = (method: string, params: unknown) => ({ kind: 'request', id: 3, method, params });

function assertInvalid(response: ResponseMessage, field: string) {
  assert.equal(response.ok, false, JSON.stringify(response));
  if (response.ok) return;
  assert.equal(response.error.code, 'invalid');
  assert.equal(response.error.field, field, response.error.message);
  assert.equal(response.id, 3);
}

describe('token analytics protocol', () => {
  it('passes valid queries to the handler', async () => {
    const { dispatch, calls } = setup();
    const ok = await dispatch(
      request('tokens/analytics', { period: 'week', since: '2026-11-01', until: '2026-11-27' }),
    );
    assert.deepEqual(ok, { kind: 'response', id: 3, ok: true, result: view });
    assert.deepEqual(await dispatch(request('tokens/export', { period: 'day', format: 'json' })), {
      kind: 'response',
      id: 3,
      ok: true,
      result: { saved: null },
    });
    assert.deepEqual(calls, [
      { period: 'week', since: '2026-11-01', until: '2026-11-27' },
      { period: 'day', format: 'json' },
    ]);
  });

  it('refuses invalid params with an error naming the field, never calling the handler', async () => {
    const { dispatch, calls } = setup();
    const cases: Array<[string, unknown, string]> = [
      ['tokens/analytics', {}, 'params.period'],
      ['tokens/analytics', { period: 'year' }, 'params.period'],
      ['tokens/analytics', { period: 'day', since: '27/11/2026' }, 'params.since'],
      ['tokens/analytics', { period: 'day', until: 20261127 }, 'params.until'],
      ['tokens/analytics', { period: 'day', since: '2026-11-01'.repeat(1000) }, 'params.since'],
      ['tokens/analytics', { period: 'day', projectId: 'someone-elses' }, 'params'],
      ['tokens/analytics', null, 'params'],
      ['tokens/export', { period: 'day' }, 'params.format'],
      ['tokens/export', { period: 'day', format: 'xlsx' }, 'params.format'],
      ['tokens/export', { period: 'day', format: 'csv', path: '/etc/passwd' }, 'params'],
    ];
    for (const [method, params, field] of cases) assertInvalid(await dispatch(request(method, params)), field);
    assert.deepEqual(calls, []);
  });
});
