import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrizzleQueryError } from 'drizzle-orm';
import { CockpitError } from '../../src/core/errors.js';
import { DatabaseError } from '../../src/db/connection.js';
import { MAX_MESSAGE_BYTES, type ResponseMessage } from '../../src/protocol.js';
import { createDispatcher, exceedsBytes, type RequestHandlers } from '../../src/vscode/webview/dispatcher.js';

function setup(handlers: RequestHandlers = { 'view/ready': () => ({ view: 'test' }) }) {
  const logged: string[] = [];
  const dispatch = createDispatcher(handlers, { logError: (m) => logged.push(m) });
  return { dispatch, logged };
}

function assertError(response: ResponseMessage, code: string, id: number | null) {
  assert.equal(response.kind, 'response');
  assert.equal(response.ok, false, JSON.stringify(response));
  if (response.ok) return;
  assert.equal(response.error.code, code, response.error.message);
  assert.equal(response.id, id);
  assert.ok(response.error.message.length > 0);
}

describe('webview request dispatcher', () => {
  it('answers a valid request with its result and id', async () => {
    const { dispatch } = setup();
    assert.deepEqual(await dispatch({ kind: 'request', id: 7, method: 'view/ready', params: {} }), {
      kind: 'response',
      id: 7,
      ok: true,
      result: { view: 'test' },
    });
  });

  it('answers every hostile or malformed message with exactly one error reply', async () => {
    const { dispatch } = setup();
    const cases: Array<[unknown, string, number | null]> = [
      [undefined, 'invalid-message', null],
      [null, 'invalid-message', null],
      ['view/ready', 'invalid-message', null],
      [42, 'invalid-message', null],
      [[1, 2, 3], 'invalid-message', null],
      [{}, 'invalid-message', null],
      [{ kind: 'request', method: 'view/ready', params: {} }, 'invalid-message', null], // missing id
      [{ kind: 'request', id: '1', method: 'view/ready', params: {} }, 'invalid-message', null],
      [{ kind: 'request', id: -1, method: 'view/ready', params: {} }, 'invalid-message', null],
      [{ kind: 'request', id: 1.5, method: 'view/ready', params: {} }, 'invalid-message', null],
      [{ kind: 'notification', id: 3, method: 'view/ready', params: {} }, 'invalid-message', 3],
      [{ kind: 'request', id: 4, method: 'view/ready', params: {}, extra: true }, 'invalid-message', 4],
      [{ kind: 'request', id: 5, method: 42, params: {} }, 'invalid-message', 5],
      [{ kind: 'request', id: 6, method: 'x'.repeat(101), params: {} }, 'invalid-message', 6],
      [{ kind: 'request', id: 7, method: 'workbench.action.terminal.new', params: {} }, 'unknown-method', 7],
      [{ kind: 'request', id: 8, method: '__proto__', params: {} }, 'unknown-method', 8],
      [{ kind: 'request', id: 9, method: 'constructor', params: {} }, 'unknown-method', 9],
      [{ kind: 'request', id: 10, method: 'toString', params: {} }, 'unknown-method', 10],
      [{ kind: 'request', id: 11, method: 'view/ready', params: { surprise: 1 } }, 'invalid', 11],
      [{ kind: 'request', id: 12, method: 'view/ready', params: 'nope' }, 'invalid', 12],
      [
        { kind: 'request', id: 13, method: 'view/ready', params: { big: 'x'.repeat(MAX_MESSAGE_BYTES) } },
        'invalid-message',
        13,
      ],
    ];
    for (const [message, code, id] of cases) {
      assertError(await dispatch(message), code, id);
    }
  });

  it('answers a method the view does not handle with unknown-method, even if the protocol knows it', async () => {
    const { dispatch } = setup({});
    assertError(await dispatch({ kind: 'request', id: 1, method: 'view/ready', params: {} }), 'unknown-method', 1);
  });

  it('names the offending field of invalid params', async () => {
    const { dispatch } = setup();
    const response = await dispatch({ kind: 'request', id: 2, method: 'view/ready', params: { surprise: 1 } });
    assert.equal(response.ok, false);
    if (!response.ok) assert.match(response.error.message, /^params/);
  });

  it('validates Cockpit params against the protocol schemas before any handler runs', async () => {
    let calls = 0;
    const { dispatch } = setup({
      'dashboard/switch': () => {
        calls++;
        return { ok: true };
      },
      'checklist/add': () => {
        calls++;
        return { ok: true };
      },
      'file/open': () => {
        calls++;
        return { ok: true };
      },
    });
    const request = (id: number, method: string, params: unknown) => dispatch({ kind: 'request', id, method, params });
    const refusals: Array<[number, string, unknown, string]> = [
      [1, 'dashboard/switch', { profileId: 1, dashboardId: 'd' }, 'params.profileId'],
      [2, 'dashboard/switch', { profileId: 'p' }, 'params.dashboardId'],
      [3, 'dashboard/switch', { profileId: 'p', dashboardId: 'x'.repeat(37) }, 'params.dashboardId'],
      [4, 'dashboard/switch', { profileId: 'p', dashboardId: 'd', command: 'workbench.action.terminal.new' }, 'params'],
      [5, 'checklist/add', { moduleId: 'm', text: 'x'.repeat(501) }, 'params.text'],
      [6, 'checklist/add', { moduleId: 'm', text: ['a'] }, 'params.text'],
      [7, 'file/open', { moduleId: 'm', folder: 'file:///w', path: null }, 'params.path'],
      [8, 'file/open', { moduleId: 'm', folder: 'x'.repeat(5000), path: 'a' }, 'params.folder'],
    ];
    for (const [id, method, params, field] of refusals) {
      const response = await request(id, method, params);
      assertError(response, 'invalid', id);
      if (!response.ok) assert.equal(response.error.field, field, `${method} ${JSON.stringify(params).slice(0, 80)}`);
    }
    assert.equal(calls, 0);
    assert.equal((await request(9, 'dashboard/switch', { profileId: 'p', dashboardId: 'd' })).ok, true);
    assert.equal(calls, 1);
  });

  it('refuses cyclic and deeply nested messages without throwing', async () => {
    const { dispatch } = setup();
    const cyclic: Record<string, unknown> = { kind: 'request', id: 3, method: 'view/ready' };
    cyclic.params = cyclic;
    assertError(await dispatch(cyclic), 'invalid-message', 3);
    let deep: unknown = {};
    for (let i = 0; i < 1000; i++) deep = { deep };
    assertError(await dispatch({ kind: 'request', id: 4, method: 'view/ready', params: deep }), 'invalid-message', 4);
  });

  it('maps CockpitError to its code and field, connection failures to disconnected', async () => {
    let failure: unknown = new CockpitError('conflict', 'The dashboard changed meanwhile.', 'name');
    const { dispatch, logged } = setup({
      'view/ready': () => {
        throw failure;
      },
    });
    const conflict = await dispatch({ kind: 'request', id: 1, method: 'view/ready', params: {} });
    assert.deepEqual(conflict, {
      kind: 'response',
      id: 1,
      ok: false,
      error: { code: 'conflict', message: 'The dashboard changed meanwhile.', field: 'name' },
    });
    failure = new DatabaseError('refused', 'Cannot connect to 127.0.0.1:1: connection refused.');
    assertError(await dispatch({ kind: 'request', id: 2, method: 'view/ready', params: {} }), 'disconnected', 2);
    failure = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assertError(await dispatch({ kind: 'request', id: 3, method: 'view/ready', params: {} }), 'disconnected', 3);
    // A query whose server went away mid-session: drizzle wraps the driver's error.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    failure = new DrizzleQueryError('select 1', [], refused);
    assertError(await dispatch({ kind: 'request', id: 4, method: 'view/ready', params: {} }), 'disconnected', 4);
    // Expected refusals are not logged; a lost connection is, for the record.
    assert.deepEqual(logged, [
      'view/ready failed: read ECONNRESET',
      'view/ready failed: Database error: connect ECONNREFUSED 127.0.0.1:3306',
    ]);
  });

  it('hides unexpected failures behind a generic message and logs the detail', async () => {
    const { dispatch, logged } = setup({
      'view/ready': async () => {
        throw new Error('ER_SOMETHING at /home/user/secret/path');
      },
    });
    const response = await dispatch({ kind: 'request', id: 9, method: 'view/ready', params: {} });
    assertError(response, 'internal', 9);
    if (!response.ok) assert.doesNotMatch(response.error.message, /secret/);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /secret\/path/);
  });

  it('measures size with an early stop', () => {
    assert.equal(exceedsBytes({ a: 'x'.repeat(10) }, 1000), false);
    assert.equal(exceedsBytes({ a: 'é'.repeat(400) }, 1000), true);
    assert.equal(exceedsBytes(new Array(2000).fill(0), 1000), true);
  });
});
