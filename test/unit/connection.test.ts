import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyConnectionError,
  DatabaseError,
  describeTarget,
  detectDialect,
  parseDatabaseUrl,
} from '../../src/db/connection.js';

describe('detectDialect', () => {
  it('recognises TiDB and reports its own release, not the MySQL version it emulates', () => {
    assert.deepEqual(detectDialect('8.0.11-TiDB-v8.5.1'), {
      dialect: 'tidb',
      version: '8.5.1',
      raw: '8.0.11-TiDB-v8.5.1',
    });
    assert.equal(detectDialect('5.7.25-TiDB-v7.5.0-serverless').dialect, 'tidb');
  });
  it('recognises MariaDB, also behind the 5.5.5- prefix some proxies add', () => {
    assert.equal(detectDialect('10.11.19-MariaDB-0+deb12u1').version, '10.11.19');
    assert.deepEqual(
      { ...detectDialect('5.5.5-10.11.6-MariaDB-log'), raw: '' },
      { dialect: 'mariadb', version: '10.11.6', raw: '' },
    );
  });
  it('treats anything else as MySQL', () => {
    assert.deepEqual(detectDialect('8.0.36'), { dialect: 'mysql', version: '8.0.36', raw: '8.0.36' });
    assert.equal(detectDialect('8.4.2-log').version, '8.4.2');
  });
});

describe('parseDatabaseUrl', () => {
  it('reads every part of a full URL', () => {
    assert.deepEqual(parseDatabaseUrl('mysql://alice:s%40cret@db.example:3307/cockpit?ssl=true'), {
      host: 'db.example',
      port: 3307,
      user: 'alice',
      password: 's@cret',
      database: 'cockpit',
      ssl: true,
    });
  });
  it('defaults to the tiup playground port and user root', () => {
    const config = parseDatabaseUrl('mysql://127.0.0.1/devguide_cockpit');
    assert.equal(config.port, 4000);
    assert.equal(config.user, 'root');
    assert.equal(config.password, undefined);
    assert.equal(config.ssl, false);
  });
  it('prefers a separately stored password over one in the URL', () => {
    assert.equal(parseDatabaseUrl('mysql://u:inurl@h:1/d', 'fromsecrets').password, 'fromsecrets');
  });
  it('accepts IPv6 hosts', () => {
    assert.equal(parseDatabaseUrl('mysql://root@[::1]:3306/d').host, '::1');
  });
  for (const [url, fragment] of [
    ['not a url', 'expected mysql://'],
    ['postgres://u@h:5432/d', 'scheme "postgres" is not supported'],
    ['mysql://u@h:3306/', 'database name'],
    ['mysql://u@h:3306/bad;name', 'database name'],
  ] as const) {
    it(`refuses ${JSON.stringify(url)} with a clear message`, () => {
      assert.throws(
        () => parseDatabaseUrl(url),
        (error: unknown) =>
          error instanceof DatabaseError && error.kind === 'invalid-url' && error.message.includes(fragment),
      );
    });
  }
  it('never echoes the password of a malformed URL', () => {
    assert.throws(
      () => parseDatabaseUrl('mysql://u:hunter2@h:3306/'),
      (error: unknown) => error instanceof Error && !error.message.includes('hunter2'),
    );
  });
});

describe('classifyConnectionError', () => {
  const config = parseDatabaseUrl('mysql://bob:topsecret@db.local:4000/cockpit');
  it('names host, port and database for each cause', () => {
    const cases = [
      ['ECONNREFUSED', 'refused', 'connection refused'],
      ['ENOTFOUND', 'host-not-found', 'not found'],
      ['ETIMEDOUT', 'timeout', 'timed out'],
      ['ER_ACCESS_DENIED_ERROR', 'auth', 'access denied for user "bob"'],
      ['ER_BAD_DB_ERROR', 'unknown-database', 'does not exist'],
    ] as const;
    for (const [code, kind, text] of cases) {
      const error = classifyConnectionError({ code, message: 'driver said topsecret' }, config);
      assert.equal(error.kind, kind);
      assert.match(error.message, /db\.local:4000 \(database "cockpit"\)/);
      assert.ok(error.message.includes(text), error.message);
      assert.ok(!error.message.includes('topsecret'));
    }
  });
  it('scrubs the password from messages it passes through', () => {
    const error = classifyConnectionError({ code: 'EWHATEVER', message: 'odd failure with topsecret inside' }, config);
    assert.equal(error.kind, 'other');
    assert.ok(!error.message.includes('topsecret'));
  });
  it('describes a target without the password', () => {
    assert.equal(describeTarget(config), 'bob@db.local:4000/cockpit');
  });
});
