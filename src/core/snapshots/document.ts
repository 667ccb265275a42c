/**
 * The project snapshot document: what one `version_history` row (resource_type `project`) holds
 * and what an exported file carries. Validated with zod on every read, import and restore, so a
 * damaged or hand-edited snapshot is refused with the offending field named.
 *
 * Included: the project row, its profiles, dashboards, modules, capabilities, project guardrails,
 * extension mappings (with custom configs) and API configurations — keys as the stored AES-GCM
 * ciphertext (base64), never decrypted. Not included (history or runtime data, not state):
 * audit_logs, version_history itself, token_usage, filesystem_timestamps, clock_sync_status,
 * sync_buffer/propagation_log, context_windows, cached_responses; global rows shared by every
 * project (templates, system guardrails, metadata standards, tool_registry, extension dashboard
 * templates and their dashboard_versions); and external_tool_access (OAuth grants tied to outside
 * accounts: restoring an old token would not revive it).
 */
import * as z from 'zod';
import { guardrailSeverities } from '../../db/schema/index.js';

export const SNAPSHOT_FORMAT = 'devguide-cockpit/project-snapshot';
export const EXPORT_FORMAT = 'devguide-cockpit/project-snapshot-export';
export const SNAPSHOT_FORMAT_VERSION = 1;

/** TIMESTAMP(6) as the database returns it in a UTC session. */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/, 'expected a UTC timestamp like 2026-01-01 14:30:45.123456');
const id = z.string().min(1).max(36);
const text = (max: number) => z.string().max(max);
const optionalText = z.string().max(65_535).nullable();
const int = z.number().int().min(-2_147_483_648).max(2_147_483_647);
const json = z.json();
const base64 = z
  .string()
  .max(700)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'expected base64 ciphertext');

export const projectRow = z.strictObject({
  id,
  name: text(255),
  description: optionalText,
  ownerUserId: text(255),
  createdAt: instant,
  updatedAt: instant,
  workflowTemplate: z.string().max(100).nullable(),
  gitRepository: z.string().max(500).nullable(),
});

export const profileRow = z.strictObject({
  id,
  projectId: id,
  name: text(255),
  description: optionalText,
  createdAt: instant,
  updatedAt: instant,
  activeDashboardId: id.nullable(),
  /** Model 1.2.0 (order in Master Control); absent from snapshots taken before it. */
  position: int.default(0),
});

export const dashboardRow = z.strictObject({
  id,
  profileId: id,
  name: text(255),
  description: optionalText,
  templateId: id.nullable(),
  layout: json,
  createdAt: instant,
  updatedAt: instant,
  position: int,
});

export const moduleRow = z.strictObject({
  id,
  dashboardId: id,
  moduleType: text(100),
  name: text(255),
  configuration: json,
  position: int,
  createdAt: instant,
  updatedAt: instant,
});

export const capabilityRow = z.strictObject({
  id,
  moduleId: id,
  capabilityType: text(100),
  granted: z.boolean().nullable(),
  grantedAt: instant.nullable(),
  revokedAt: instant.nullable(),
  justification: optionalText,
});

export const guardrailRow = z.strictObject({
  id,
  projectId: id,
  ruleId: text(100),
  description: z.string().max(65_535),
  severity: z.enum(guardrailSeverities),
  autoReject: z.boolean().nullable(),
  configuration: json.nullable(),
  enabled: z.boolean().nullable(),
  createdAt: instant,
});

export const extensionMappingRow = z.strictObject({
  id,
  projectId: id,
  extensionId: text(255),
  dashboardId: id,
  enabled: z.boolean(),
  customConfig: json.nullable(),
  position: int.nullable(),
  createdAt: instant,
  updatedAt: instant,
});

export const apiConfigurationRow = z.strictObject({
  id,
  projectId: id,
  provider: text(50),
  /** The stored ciphertext bytes, base64: usable only with the master key that encrypted them. */
  apiKeyEncrypted: base64.nullable(),
  model: text(100),
  temperature: z
    .string()
    .regex(/^-?\d(\.\d{1,2})?$/, 'expected a DECIMAL(3,2) such as "0.70"')
    .nullable(),
  maxTokens: int.nullable(),
  enabled: z.boolean(),
  priority: int.nullable(),
  /** Model 1.2.0 (local and azure providers); absent from snapshots taken before it. */
  baseUrl: text(500).nullable().default(null),
  createdAt: instant,
  updatedAt: instant,
});

export type ProjectRow = z.infer<typeof projectRow>;
export type ProfileRow = z.infer<typeof profileRow>;
export type DashboardRow = z.infer<typeof dashboardRow>;
export type ModuleRow = z.infer<typeof moduleRow>;
export type CapabilityRow = z.infer<typeof capabilityRow>;
export type GuardrailRow = z.infer<typeof guardrailRow>;
export type ExtensionMappingRow = z.infer<typeof extensionMappingRow>;
export type ApiConfigurationRow = z.infer<typeof apiConfigurationRow>;

const stateShape = z.strictObject({
  project: projectRow,
  profiles: z.array(profileRow),
  dashboards: z.array(dashboardRow),
  modules: z.array(moduleRow),
  capabilities: z.array(capabilityRow),
  guardrails: z.array(guardrailRow),
  extensionMappings: z.array(extensionMappingRow),
  apiConfigurations: z.array(apiConfigurationRow),
});

/** Every row belongs to the snapshot's project through the hierarchy, and ids are unique. */
export const projectState = stateShape.superRefine((state, ctx) => {
  const owned = (collection: keyof typeof state, index: number, key: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [collection, index, key], message });
  const ids = (rows: Array<{ id: string }>, collection: keyof typeof state) => {
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      if (seen.has(row.id)) owned(collection, index, 'id', `duplicate id ${row.id}`);
      seen.add(row.id);
    });
    return seen;
  };
  const projectId = state.project.id;
  const profileIds = ids(state.profiles, 'profiles');
  const dashboardIds = ids(state.dashboards, 'dashboards');
  const moduleIds = ids(state.modules, 'modules');
  ids(state.capabilities, 'capabilities');
  ids(state.guardrails, 'guardrails');
  ids(state.extensionMappings, 'extensionMappings');
  ids(state.apiConfigurations, 'apiConfigurations');
  for (const collection of ['profiles', 'guardrails', 'extensionMappings', 'apiConfigurations'] as const) {
    state[collection].forEach((row, index) => {
      if (row.projectId !== projectId) owned(collection, index, 'projectId', `must be the project id ${projectId}`);
    });
  }
  state.dashboards.forEach((row, index) => {
    if (!profileIds.has(row.profileId))
      owned('dashboards', index, 'profileId', `profile ${row.profileId} is not in the snapshot`);
  });
  state.modules.forEach((row, index) => {
    if (!dashboardIds.has(row.dashboardId))
      owned('modules', index, 'dashboardId', `dashboard ${row.dashboardId} is not in the snapshot`);
  });
  state.capabilities.forEach((row, index) => {
    if (!moduleIds.has(row.moduleId))
      owned('capabilities', index, 'moduleId', `module ${row.moduleId} is not in the snapshot`);
  });
  const providers = new Set<string>();
  state.apiConfigurations.forEach((row, index) => {
    if (providers.has(row.provider))
      owned('apiConfigurations', index, 'provider', `duplicate provider ${row.provider}`);
    providers.add(row.provider);
  });
  const extensions = new Set<string>();
  state.extensionMappings.forEach((row, index) => {
    if (extensions.has(row.extensionId))
      owned('extensionMappings', index, 'extensionId', `duplicate extension ${row.extensionId}`);
    extensions.add(row.extensionId);
  });
});

export type ProjectState = z.infer<typeof projectState>;

export const snapshotDocument = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
  /** When the state was read, ISO-8601 Zulu with microseconds. */
  takenAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, 'expected ISO-8601 Zulu with microseconds'),
  git: z
    .strictObject({
      head: z
        .string()
        .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git commit id')
        .nullable(),
      tag: z.string().min(1).max(200).nullable(),
    })
    .nullable(),
  state: projectState,
});

export type SnapshotDocument = z.infer<typeof snapshotDocument>;

export const exportFile = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
  exportedAt: z.string().min(1).max(40),
  snapshot: z.strictObject({
    id,
    projectId: id,
    versionNumber: int.positive(),
    description: optionalText,
    createdBy: text(255),
    createdAt: instant,
  }),
  document: snapshotDocument,
});

export type ExportFile = z.infer<typeof exportFile>;
