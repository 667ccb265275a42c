import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import {
  apiConfigurations,
  capabilities,
  dashboards,
  extensionDashboards,
  metadataStandards,
  metadataViolations,
  modules,
  profiles,
  projectExtensionMappings,
  projects,
  syncBuffer,
  tokenUsage,
} from '../../src/db/schema/index.js';
import { SEED_STANDARDS } from '../../src/db/seed-data.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('the migrated schema', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database.drop());

  async function projectWithHierarchy() {
    const { db } = database;
    const ids = { project: randomUUID(), profile: randomUUID(), dashboard: randomUUID(), module: randomUUID() };
    await db.insert(projects).values({ id: ids.project, name: 'Demo', ownerUserId: 'dev@example.com' });
    await db.insert(profiles).values({ id: ids.profile, projectId: ids.project, name: 'Builder' });
    await db
      .insert(dashboards)
      .values({ id: ids.dashboard, profileId: ids.profile, name: 'Plan', layout: { columns: 2 }, position: 0 });
    await db.insert(modules).values({
      id: ids.module,
      dashboardId: ids.dashboard,
      moduleType: 'checklist',
      name: 'Next steps',
      configuration: { items: [{ text: 'ship', done: false }] },
      position: 0,
    });
    return ids;
  }

  async function count(table: string, where: string, value: string): Promise<number> {
    const [rows] = await database.pool.query(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE \`${where}\` = ?`, [value]);
    return Number((rows as Array<{ n: number }>)[0]?.n);
  }

  it('CASCADE: deleting a project removes its whole hierarchy and project-scoped rows', async () => {
    const { db } = database;
    const ids = await projectWithHierarchy();
    await db.insert(capabilities).values({ id: randomUUID(), moduleId: ids.module, capabilityType: 'file_write' });
    await db.insert(syncBuffer).values({ id: randomUUID(), projectId: ids.project, changeType: 'x', payload: {} });
    await db
      .insert(apiConfigurations)
      .values({ id: randomUUID(), projectId: ids.project, provider: 'openai', model: 'm' });
    const template = randomUUID();
    await db
      .insert(extensionDashboards)
      .values({ id: template, extensionId: 'ms-python.python', dashboardId: 'python', name: 'Python', config: {} });
    await db.insert(projectExtensionMappings).values({
      id: randomUUID(),
      projectId: ids.project,
      extensionId: 'ms-python.python',
      dashboardId: template,
    });

    await db.delete(projects).where(eq(projects.id, ids.project));

    assert.equal(await count('profiles', 'project_id', ids.project), 0);
    assert.equal(await count('dashboards', 'profile_id', ids.profile), 0);
    assert.equal(await count('modules', 'dashboard_id', ids.dashboard), 0);
    assert.equal(await count('capabilities', 'module_id', ids.module), 0);
    assert.equal(await count('sync_buffer', 'project_id', ids.project), 0);
    assert.equal(await count('api_configurations', 'project_id', ids.project), 0);
    assert.equal(await count('project_extension_mappings', 'project_id', ids.project), 0);
    assert.equal(await count('extension_dashboards', 'id', template), 1, 'the shared template stays');
  });

  it('RESTRICT: a standard with violations and a template in use cannot be deleted', async () => {
    const { db } = database;
    const standard = randomUUID();
    await db.insert(metadataStandards).values({
      id: standard,
      standardName: `restrict-${standard}`,
      category: 'nomenclature',
      patternRegex: '^[a-z]+$',
    });
    await db
      .insert(metadataViolations)
      .values({ id: randomUUID(), standardId: standard, resourceType: 'file', resourceId: 'A.ts' });
    await assert.rejects(db.delete(metadataStandards).where(eq(metadataStandards.id, standard)), (error: Error) =>
      /foreign key constraint fails/i.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );

    const ids = await projectWithHierarchy();
    const template = randomUUID();
    await db.insert(extensionDashboards).values({
      id: template,
      extensionId: 'dbaeumer.vscode-eslint',
      dashboardId: 'eslint',
      name: 'ESLint',
      config: {},
    });
    await db.insert(projectExtensionMappings).values({
      id: randomUUID(),
      projectId: ids.project,
      extensionId: 'dbaeumer.vscode-eslint',
      dashboardId: template,
    });
    await assert.rejects(db.delete(extensionDashboards).where(eq(extensionDashboards.id, template)));
    assert.equal(await count('extension_dashboards', 'id', template), 1);
  });

  it('updated_at moves on update, with microseconds', async () => {
    const { db } = database;
    const ids = await projectWithHierarchy();
    const read = async () =>
      (
        await db
          .select({ created: projects.createdAt, updated: projects.updatedAt })
          .from(projects)
          .where(eq(projects.id, ids.project))
      )[0]!;
    const before = await read();
    assert.match(before.updated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db.update(projects).set({ name: 'Renamed' }).where(eq(projects.id, ids.project));
    const after = await read();
    assert.equal(after.created, before.created);
    assert.ok(after.updated > before.updated, `${after.updated} > ${before.updated}`);
  });

  it('round-trips JSON documents and exact DECIMAL costs', async () => {
    const { db } = database;
    const ids = await projectWithHierarchy();
    const configuration = {
      items: [{ text: 'ünïcode ✓ "quoted"', done: true, at: '2026-01-01T14:30:45.123456Z' }],
      nested: { n: 1.5, nil: null },
    };
    await db.update(modules).set({ configuration }).where(eq(modules.id, ids.module));
    const [row] = await db
      .select({ configuration: modules.configuration })
      .from(modules)
      .where(eq(modules.id, ids.module));
    assert.deepEqual(row?.configuration, configuration);

    const costs = ['0.0001', '123456.7890', '0.3000'];
    for (const cost of costs) {
      await db.insert(tokenUsage).values({
        id: randomUUID(),
        projectId: ids.project,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        totalCost: cost,
        timestamp: '2026-11-27 10:00:00.000000',
      });
    }
    const [sum] = await db
      .select({ total: sql<string>`SUM(${tokenUsage.totalCost})` })
      .from(tokenUsage)
      .where(eq(tokenUsage.projectId, ids.project));
    assert.equal(sum?.total, '123457.0891');
  });

  it('puts a token_usage row in the partition of its month', async () => {
    const { db } = database;
    const id = randomUUID();
    await db.insert(tokenUsage).values({
      id,
      projectId: 'soft-reference-only',
      provider: 'openai',
      model: 'gpt-4.1',
      timestamp: '2026-02-14 23:59:59.999999',
    });
    const inPartition = async (partition: string) => {
      const [rows] = await database.pool.query(`SELECT id FROM token_usage PARTITION (${partition}) WHERE id = ?`, [
        id,
      ]);
      return (rows as unknown[]).length;
    };
    assert.equal(await inPartition('p202602'), 1);
    assert.equal(await inPartition('p202603'), 0);
  });

  it('stores the seeded Zulu regex intact, which matches Zulu timestamps only', async () => {
    const { db } = database;
    const [row] = await db
      .select({ pattern: metadataStandards.patternRegex })
      .from(metadataStandards)
      .where(eq(metadataStandards.id, 'ts-001-zulu'));
    assert.equal(row?.pattern, SEED_STANDARDS[0].patternRegex);
    assert.ok(row!.pattern.includes('\\d{4}'));
    const zulu = new RegExp(row!.pattern);
    assert.ok(zulu.test('2026-01-01T14:30:45.123456Z'));
    assert.ok(zulu.test('2026-01-01T14:30:45Z'));
    assert.ok(!zulu.test('2026-01-01 14:30:45'));
    assert.ok(!zulu.test('2026-01-01T14:30:45.1234567Z'));
    // The database agrees with JavaScript on the same pattern.
    const [checks] = await database.pool.query(
      "SELECT '2026-01-01T14:30:45.123456Z' REGEXP ? AS zulu, '2026-01-01 14:30:45' REGEXP ? AS spaced",
      [row!.pattern, row!.pattern],
    );
    assert.deepEqual(checks, [{ zulu: 1, spaced: 0 }]);
  });

  it('seeds standards, guardrails, templates and tools once, keeping user edits', async () => {
    const { db } = database;
    await db
      .update(metadataStandards)
      .set({ enforcementLevel: 'warning' })
      .where(eq(metadataStandards.id, 'ts-001-zulu'));
    const { seed } = await import('../../src/db/seed.js');
    await seed(database);
    const counts = async () => {
      const [rows] = await database.pool.query(
        `SELECT (SELECT COUNT(*) FROM metadata_standards WHERE id IN ('ts-001-zulu','nm-001-kebab-file','nm-002-kebab-name','vs-001-semver')) AS standards,
                (SELECT COUNT(*) FROM guardrails WHERE project_id IS NULL) AS guardrails,
                (SELECT COUNT(*) FROM templates WHERE category = 'workflow') AS templates,
                (SELECT COUNT(*) FROM tool_registry WHERE is_system) AS tools`,
      );
      const row = (rows as Array<Record<string, string>>)[0]!;
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    };
    assert.deepEqual(await counts(), { standards: 4, guardrails: 4, templates: 3, tools: 6 });
    const [zulu] = await db.select().from(metadataStandards).where(eq(metadataStandards.id, 'ts-001-zulu'));
    assert.equal(zulu?.enforcementLevel, 'warning');
    const semver = new RegExp(SEED_STANDARDS[3].patternRegex);
    assert.ok(semver.test('1.2.0-rc.1+build.5'));
    assert.ok(!semver.test('1.2'));
  });
});
