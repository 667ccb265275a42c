import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrizzleQueryError } from 'drizzle-orm';
import { safeMessage } from '../../src/core/errors.js';

describe('safeMessage', () => {
  it('keeps only the driver’s message of a failed query, never its bound parameters', () => {
    const cause = Object.assign(new Error("Duplicate entry 'p1' for key 'PRIMARY'"), { code: 'ER_DUP_ENTRY' });
    const error = new DrizzleQueryError(
      'insert into api_configurations values (?, ?)',
      ['p1', 'sk-live-SECRET'],
      cause,
    );
    assert.ok(error.message.includes('sk-live-SECRET'), 'drizzle itself quotes the parameters');
    const message = safeMessage(error);
    assert.equal(message, "Database error: Duplicate entry 'p1' for key 'PRIMARY'");
    assert.ok(!message.includes('sk-live-SECRET'));
  });
  it('passes other errors through', () => {
    assert.equal(safeMessage(new Error('plain')), 'plain');
    assert.equal(safeMessage('text'), 'text');
  });
});
