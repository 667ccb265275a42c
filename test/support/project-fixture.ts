import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connection.js';
import {
  apiConfigurations,
  capabilities,
  dashboards,
  extensionDashboards,
  guardrails,
  modules,
  profiles,
  projectExtensionMappings,
  projects,
} from '../../src/db/schema/index.js';

export interface ProjectFixture {
  projectId: string;
  profileIds: string[];
  dashboardIds: string[];
  moduleIds: string[];
  templateId: string;
  /** The ciphertext stored for the anthropic configuration: arbitrary bytes, not UTF-8. */
  ciphertext: Buffer;
}

/** A project with two profiles, three dashboards, modules, capabilities, guardrails, a mapping and API keys. */
export async function seedProject(db: Db, name = 'Fixture project'): Promise<ProjectFixture> {
  const projectId = randomUUID();
  const profileIds = [randomUUID(), randomUUID()];
  const dashboardIds = [randomUUID(), randomUUID(), randomUUID()];
  const moduleIds = [randomUUID(), randomUUID(), randomUUID()];
  const templateId = randomUUID();
  const ciphertext = Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]), randomBytes(59)]);

  await db.insert(projects).values({
    id: projectId,
    name,
    description: 'Snapshots round trip',
    ownerUserId: 'dev@example.com',
    workflowTemplate: 'vibe_coding',
    gitRepository: null,
    createdAt: '2026-01-01 14:30:45.123456',
    updatedAt: '2026-01-02 08:00:00.000001',
  });
  await db.insert(profiles).values([
    { id: profileIds[0]!, projectId, name: 'Coding', description: null, activeDashboardId: dashboardIds[0]! },
    { id: profileIds[1]!, projectId, name: 'Review', description: 'second', activeDashboardId: null },
  ]);
  await db.insert(dashboards).values([
    {
      id: dashboardIds[0]!,
      profileId: profileIds[0]!,
      name: 'Overview',
      layout: { columns: 2, rows: [1, 2] },
      position: 0,
    },
    { id: dashboardIds[1]!, profileId: profileIds[0]!, name: 'Decisions', layout: { columns: 1 }, position: 1 },
    { id: dashboardIds[2]!, profileId: profileIds[1]!, name: 'Files', layout: {}, position: 0 },
  ]);
  await db.insert(modules).values([
    {
      id: moduleIds[0]!,
      dashboardId: dashboardIds[0]!,
      moduleType: 'checklist',
      name: 'Todo',
      configuration: { items: [{ text: 'ünïcødé ✓', done: false }] },
      position: 0,
    },
    {
      id: moduleIds[1]!,
      dashboardId: dashboardIds[1]!,
      moduleType: 'decision_log',
      name: 'Log',
      configuration: { entries: [] },
      position: 0,
    },
    {
      id: moduleIds[2]!,
      dashboardId: dashboardIds[2]!,
      moduleType: 'file_manager',
      name: 'Files',
      configuration: { files: [] },
      position: 0,
    },
  ]);
  await db.insert(capabilities).values([
    {
      id: randomUUID(),
      moduleId: moduleIds[2]!,
      capabilityType: 'file_write',
      granted: true,
      grantedAt: '2026-01-03 10:00:00.500000',
      justification: 'saves notes',
    },
    { id: randomUUID(), moduleId: moduleIds[0]!, capabilityType: 'network_http', granted: false },
  ]);
  await db.insert(guardrails).values([
    {
      id: randomUUID(),
      projectId,
      ruleId: 'no-secrets',
      description: 'No secrets in prompts',
      severity: 'CRITICAL',
      autoReject: true,
      configuration: { patterns: ['sk-'] },
    },
  ]);
  await db.insert(extensionDashboards).values({
    id: templateId,
    extensionId: `test.ext-${templateId.slice(0, 8)}`,
    dashboardId: 'main',
    name: 'Extension template',
    config: { panels: [] },
  });
  await db.insert(projectExtensionMappings).values({
    id: randomUUID(),
    projectId,
    extensionId: `test.ext-${templateId.slice(0, 8)}`,
    dashboardId: templateId,
    customConfig: { theme: 'dark', nested: { b: 1, a: [1, 2] } },
    position: 2,
  });
  await db.insert(apiConfigurations).values([
    {
      id: randomUUID(),
      projectId,
      provider: 'anthropic',
      apiKeyEncrypted: sql`UNHEX(${ciphertext.toString('hex')})`,
      model: 'claude-sonnet-4-5',
      temperature: '0.70',
    },
    {
      id: randomUUID(),
      projectId,
      provider: 'local',
      apiKeyEncrypted: null,
      model: 'phi3',
      enabled: false,
      priority: 1,
    },
  ]);
  return { projectId, profileIds, dashboardIds, moduleIds, templateId, ciphertext };
}
