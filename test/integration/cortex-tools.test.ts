import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import {
  capabilities,
  dashboards,
  externalToolAccess,
  modules,
  profiles,
  projects,
} from '../../src/db/schema/index.js';
import { coreBuiltins } from '../../src/core/cortex/builtins.js';
import { generateMasterKey, SecretBox } from '../../src/core/cortex/crypto.js';
import { ExternalAccess, grantExternalAccess, listExternalAccess } from '../../src/core/cortex/external-access.js';
import { bindQuery, checkReadOnlyQuery, runReadOnly } from '../../src/core/cortex/readonly-sql.js';
import {
  capabilitiesTableChecker,
  deleteUserTool,
  listTools,
  registerUserTool,
  ToolRunner,
  type ToolContext,
} from '../../src/core/cortex/tools.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createProject, dumpAllTables } from '../support/cortex.js';
import { FakeProviders } from '../support/fake-providers.js';

const actor = 'dev@example.com';

describe('tool registry and tool runs', () => {
  let database: TestDatabase;
  const fake = new FakeProviders();
  const box = new SecretBox([generateMasterKey(1)]);
  let runner: ToolRunner;
  let projectId: string;
  let moduleId: string;
  const workspace = mkdtempSync(path.join(tmpdir(), 'cockpit-tools-'));
  let context: ToolContext;

  before(async () => {
    database = await createTestDatabase();
    await fake.start();
    projectId = await createProject(database, 'Tools project');
    const profileId = randomUUID();
    const dashboardId = randomUUID();
    moduleId = randomUUID();
    await database.db.insert(profiles).values({ id: profileId, projectId, name: 'Dev' });
    await database.db.insert(dashboards).values({ id: dashboardId, profileId, name: 'Main', layout: {}, position: 0 });
    await database.db.update(profiles).set({ activeDashboardId: dashboardId }).where(eq(profiles.id, profileId));
    await database.db
      .insert(modules)
      .values({ id: moduleId, dashboardId, moduleType: 'assistant', name: 'AI', configuration: {}, position: 0 });
    runner = new ToolRunner({
      db: database.db,
      dialect: database.server.dialect,
      actor,
      capabilities: capabilitiesTableChecker(database.db),
      builtins: coreBuiltins(database.db),
      externalAccess: new ExternalAccess({ db: database.db, box, actor }),
      maxResultBytes: 2048,
    });
    context = { projectId, moduleId, workspaceRoot: workspace };
  });
  after(async () => {
    await fake.stop();
    await database?.drop();
  });

  it('lists the seeded system tools with their JSON-Schema parameters', async () => {
    const tools = await listTools(database.db);
    const names = tools.filter((t) => t.isSystem).map((t) => t.name);
    for (const name of [
      'read_workspace_file',
      'list_dashboards',
      'submit_bin_change',
      'query_token_usage',
      'git_log',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(tools.find((t) => t.name === 'write_workspace_file')!.requiresCapability, 'file_write');
    assert.equal(tools.find((t) => t.name === 'git_log')!.parameters.type, 'object');
  });

  it('validates arguments against the schema before running anything', async () => {
    await assert.rejects(
      runner.run('git_log', { limit: 500 }, context),
      /Invalid arguments for git_log: limit must be <= 100/,
    );
    await assert.rejects(runner.run('git_log', { branch: 'x' }, context), /must NOT have additional properties/);
    await assert.rejects(runner.run('read_workspace_file', {}, context), /must have required property 'path'/);
    await assert.rejects(runner.run('read_workspace_file', 'a string', context), /must be object/);
    await assert.rejects(runner.run('no_such_tool', {}, context), /Tool no_such_tool does not exist/);
  });

  it('runs built-in tools, confined to the workspace and bounded in size', async () => {
    writeFileSync(path.join(workspace, 'notes.md'), 'hello');
    const read = await runner.run('read_workspace_file', { path: 'notes.md' }, context);
    assert.equal(JSON.parse(read.content).content, 'hello');
    await assert.rejects(
      runner.run('read_workspace_file', { path: '../../etc/passwd' }, context),
      /outside the workspace/,
    );
    writeFileSync(path.join(workspace, 'big.txt'), 'x'.repeat(10_000));
    const big = await runner.run('read_workspace_file', { path: 'big.txt' }, context);
    assert.equal(big.truncated, true);
    assert.ok(Buffer.byteLength(big.content) < 2048 + 100);
    assert.match(big.content, /\[truncated: \d+ bytes, limit 2048\]$/);

    const listed = JSON.parse((await runner.run('list_dashboards', {}, context)).content);
    assert.deepEqual(
      listed.map((d: { dashboard: string; active: boolean }) => [d.dashboard, d.active]),
      [['Main', true]],
    );
    await runner.run('query_token_usage', { days: 7 }, context);
    await assert.rejects(
      runner.run('submit_bin_change', { changeType: 'x', payload: {} }, context),
      /not available here/,
    );
  });

  it('runs a tool with requires_capability only when the module holds it (granted, not revoked)', async () => {
    const write = { path: 'out/answer.txt', content: 'written by the assistant' };
    await assert.rejects(
      runner.run('write_workspace_file', write, context),
      /needs the file_write capability, which module/,
    );
    await assert.rejects(
      runner.run('write_workspace_file', write, { ...context, moduleId: null }),
      /no module was given/,
    );
    const capabilityId = randomUUID();
    await database.db.insert(capabilities).values({
      id: capabilityId,
      moduleId,
      capabilityType: 'file_write',
      granted: true,
      grantedAt: sql`CURRENT_TIMESTAMP(6)`,
    });
    await runner.run('write_workspace_file', write, context);
    assert.equal(readFileSync(path.join(workspace, 'out/answer.txt'), 'utf8'), 'written by the assistant');
    await database.db
      .update(capabilities)
      .set({ revokedAt: sql`CURRENT_TIMESTAMP(6)` })
      .where(eq(capabilities.id, capabilityId));
    await assert.rejects(runner.run('write_workspace_file', write, context), /needs the file_write capability/);
  });

  it('checks database tool queries: a single SELECT with named parameters, nothing that writes or locks', () => {
    assert.deepEqual(checkReadOnlyQuery('SELECT * FROM t WHERE a = :a AND b = :b AND c = :a').parameters, ['a', 'b']);
    assert.deepEqual(
      checkReadOnlyQuery("WITH x AS (SELECT 1 AS updated_at) SELECT ':not_param' FROM x;").parameters,
      [],
    );
    for (const [query, error] of [
      ['DELETE FROM projects', /single SELECT/],
      ['SELECT 1; DROP TABLE projects', /single statement/],
      ['SELECT * FROM projects FOR UPDATE', /"FOR UPDATE" is not allowed/],
      ['SELECT * FROM projects LOCK IN SHARE MODE', /not allowed/],
      ['SELECT * INTO OUTFILE "/tmp/x" FROM projects', /"INTO" is not allowed/],
      ['SELECT SLEEP(10)', /"SLEEP" is not allowed/],
      ['SELECT 1 -- comment', /Comments are not allowed/],
      ['SELECT 1 /*! DELETE */', /Comments are not allowed/],
      ['SELECT * FROM t WHERE a = ?', /named parameters/],
      ["SELECT 'open", /unterminated quote/],
      ['WITH d AS (SELECT 1) DELETE FROM projects', /"DELETE" is not allowed/],
    ] as const) {
      assert.throws(() => checkReadOnlyQuery(query), error, query);
    }
  });

  it('runs database tools in a READ ONLY transaction the server enforces', async () => {
    await registerUserTool(database.db, actor, {
      name: 'projects_like',
      category: 'database',
      description: 'Projects whose name matches a pattern.',
      implementationType: 'database',
      config: {
        query: 'SELECT name FROM projects WHERE id = :projectId AND name LIKE :pattern',
        parameters: {
          type: 'object',
          properties: { pattern: { type: 'string', maxLength: 100 } },
          required: ['pattern'],
          additionalProperties: false,
        },
      },
    });
    const result = await runner.run('projects_like', { pattern: 'Tools%' }, context);
    assert.deepEqual(JSON.parse(result.content), { rows: [{ name: 'Tools project' }], more: false });
    const injection = await runner.run('projects_like', { pattern: "x' OR '1'='1" }, context);
    assert.deepEqual(JSON.parse(injection.content).rows, [], 'parameters are bound, never spliced');

    await assert.rejects(
      registerUserTool(database.db, actor, {
        name: 'wipe',
        category: 'database',
        description: 'Nope.',
        implementationType: 'database',
        config: { query: 'DELETE FROM projects', parameters: { type: 'object' } },
      }),
      /must be a single SELECT/,
    );
    await assert.rejects(
      registerUserTool(database.db, actor, {
        name: 'undeclared',
        category: 'database',
        description: 'Uses a parameter it does not declare.',
        implementationType: 'database',
        config: { query: 'SELECT :secret', parameters: { type: 'object', properties: {} } },
      }),
      /uses :secret but the parameters do not declare it/,
    );
    // Even a statement that slipped past the check cannot write: the server refuses it.
    await assert.rejects(
      runReadOnly(database.db, database.server.dialect, sql`UPDATE projects SET name = 'changed'`),
      /tried to change data: refused by the READ ONLY transaction/,
    );
    const [project] = await database.db.select().from(projects).where(eq(projects.id, projectId));
    assert.equal(project!.name, 'Tools project');
    assert.throws(() => bindQuery('SELECT :a', {}), /:a has no value/);
    await assert.rejects(
      runReadOnly(database.db, database.server.dialect, sql`SELECT SLEEP(3)`, { timeoutMs: 300 }),
      /ran longer than 300 ms and was stopped/,
    );
    await assert.rejects(deleteUserTool(database.db, actor, 'git_log'), /system tool and cannot be deleted/);
    await deleteUserTool(database.db, actor, 'projects_like');
  });

  it('gates API tools by the project grant (read/write/admin) and defaults them to network_http', async () => {
    fake.on('/api/issues', { body: { issues: [1, 2] } });
    const getTool = await registerUserTool(database.db, actor, {
      name: 'list_issues',
      category: 'external',
      description: 'List issues of a repository.',
      implementationType: 'api',
      config: {
        url: `${fake.baseUrl}/api/issues/{repo}`,
        parameters: { type: 'object', properties: { repo: { type: 'string' } }, required: ['repo'] },
      },
    });
    assert.equal(getTool.requiresCapability, 'network_http');
    await database.db
      .insert(capabilities)
      .values({ id: randomUUID(), moduleId, capabilityType: 'network_http', granted: true });
    await assert.rejects(runner.run('list_issues', { repo: 'a/b' }, context), /has no access to tool/);
    await grantExternalAccess(database.db, box, actor, { projectId, toolName: 'list_issues', accessType: 'read' });
    const listed = await runner.run('list_issues', { repo: 'a/b' }, context);
    assert.deepEqual(JSON.parse(listed.content), { status: 200, body: { issues: [1, 2] } });
    assert.equal(fake.requestsTo('/api/issues').at(-1)!.url, '/api/issues/a%2Fb');

    await registerUserTool(database.db, actor, {
      name: 'close_issue',
      category: 'external',
      description: 'Close an issue.',
      implementationType: 'api',
      config: { url: `${fake.baseUrl}/api/close`, method: 'POST', parameters: { type: 'object' } },
    });
    await grantExternalAccess(database.db, box, actor, { projectId, toolName: 'close_issue', accessType: 'read' });
    await assert.rejects(runner.run('close_issue', {}, context), /needs write access; this project has read access/);
    await grantExternalAccess(database.db, box, actor, { projectId, toolName: 'close_issue', accessType: 'write' });
    fake.on('/api/close', { body: { closed: true } });
    assert.equal(JSON.parse((await runner.run('close_issue', {}, context)).content).body.closed, true);
  });

  it('uses OAuth tokens sealed in oauth_config, refreshes them at the token endpoint and marks them expired', async () => {
    await registerUserTool(database.db, actor, {
      name: 'whoami',
      category: 'external',
      description: 'The signed-in account.',
      implementationType: 'api',
      config: { url: `${fake.baseUrl}/api/me`, auth: 'external', parameters: { type: 'object' } },
    });
    fake.on('/api/me', { body: { login: 'dev' } });
    fake.on('/token', {
      body: { access_token: 'ACCESS-TWO-secret', refresh_token: 'REFRESH-TWO-secret', expires_in: 3600 },
    });
    await grantExternalAccess(database.db, box, actor, {
      projectId,
      toolName: 'whoami',
      accessType: 'read',
      oauth: {
        accessToken: 'ACCESS-ONE-secret',
        refreshToken: 'REFRESH-ONE-secret',
        clientId: 'cockpit',
        clientSecret: 'CLIENT-secret',
        tokenEndpoint: `${fake.baseUrl}/token`,
        scopes: ['read:user'],
      },
      expiresInSeconds: 3600,
    });
    await runner.run('whoami', {}, context);
    assert.equal(fake.requestsTo('/api/me').at(-1)!.headers.authorization, 'Bearer ACCESS-ONE-secret');
    let [view] = (await listExternalAccess(database.db, projectId)).filter((v) => v.toolName === 'whoami');
    assert.ok(view!.lastAccessedAt, 'last_accessed_at set');
    assert.deepEqual([view!.status, view!.canRefresh, view!.scopes], ['active', true, ['read:user']]);

    // Expired: refreshed with the refresh token, the new tokens sealed, expires_at moved on.
    await database.db
      .update(externalToolAccess)
      .set({ expiresAt: sql`CURRENT_TIMESTAMP(6) - INTERVAL 1 MINUTE` })
      .where(eq(externalToolAccess.id, view!.id));
    await runner.run('whoami', {}, context);
    const tokenRequest = fake.requestsTo('/token').at(-1)!;
    assert.equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams((tokenRequest.body as { raw: string }).raw);
    assert.deepEqual(
      [form.get('grant_type'), form.get('refresh_token'), form.get('client_id'), form.get('client_secret')],
      ['refresh_token', 'REFRESH-ONE-secret', 'cockpit', 'CLIENT-secret'],
    );
    assert.equal(fake.requestsTo('/api/me').at(-1)!.headers.authorization, 'Bearer ACCESS-TWO-secret');
    [view] = (await listExternalAccess(database.db, projectId)).filter((v) => v.toolName === 'whoami');
    assert.equal(view!.status, 'active');
    const [moved] = (
      await database.pool.query(
        'SELECT expires_at > CURRENT_TIMESTAMP(6) + INTERVAL 50 MINUTE AS future FROM external_tool_access WHERE id = ?',
        [view!.id],
      )
    )[0] as Array<{ future: number }>;
    assert.equal(moved!.future, 1);

    // The token endpoint refuses the refresh: marked expired, shown as expired, refused from then on.
    await database.db
      .update(externalToolAccess)
      .set({ expiresAt: sql`CURRENT_TIMESTAMP(6) - INTERVAL 1 MINUTE` })
      .where(eq(externalToolAccess.id, view!.id));
    fake.on('/token', { status: 400, body: { error: 'invalid_grant' } });
    await assert.rejects(runner.run('whoami', {}, context), /expired \(refresh refused: HTTP 400\); sign in again/);
    [view] = (await listExternalAccess(database.db, projectId)).filter((v) => v.toolName === 'whoami');
    assert.equal(view!.status, 'expired');
    const refreshes = fake.requestsTo('/token').length;
    await assert.rejects(runner.run('whoami', {}, context), /expired; sign in again/);
    assert.equal(fake.requestsTo('/token').length, refreshes, 'no further refresh attempts');

    // Without a refresh token an expired grant is marked expired at once.
    await grantExternalAccess(database.db, box, actor, {
      projectId,
      toolName: 'whoami',
      oauth: { accessToken: 'ACCESS-THREE-secret' },
      expiresInSeconds: 1,
    });
    await database.db
      .update(externalToolAccess)
      .set({ expiresAt: sql`CURRENT_TIMESTAMP(6) - INTERVAL 1 SECOND` })
      .where(eq(externalToolAccess.projectId, projectId));
    await assert.rejects(runner.run('whoami', {}, context), /expired \(no refresh token\)/);

    const dump = await dumpAllTables(database);
    for (const secret of [
      'ACCESS-ONE-secret',
      'ACCESS-TWO-secret',
      'REFRESH-TWO-secret',
      'CLIENT-secret',
      'ACCESS-THREE-secret',
    ]) {
      assert.ok(!dump.includes(secret), secret);
    }
  });
});
