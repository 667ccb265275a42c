import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import picomatch from 'picomatch';
import * as z from 'zod';
import { dashboards, modules, profiles } from '../../db/schema/index.js';
import type { Executor } from '../audit.js';
import { asJson, parseInput } from './input.js';
import { parseJsonPath, selectValues, type PathSegment } from './json-path.js';
import { remembered } from './remembered.js';

/** A dashboard is high-impact territory beyond this many affected dashboards. */
export const HIGH_IMPACT_DASHBOARDS = 3;

/**
 * `configuration.subscriptions` of a module: change types (globs such as `decision.*`), each
 * optionally with a payload filter `{ "<json path>": value }`. A string value with glob characters
 * matches as a glob (`{ "$.path": "src/**" }`), anything else by equality.
 */
const subscription = z.union([
  z.string().min(1).max(100),
  z
    .object({
      changeType: z.string().min(1).max(100),
      filter: z.record(z.string().min(1).max(500), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .strict(),
]);
export const subscriptionsSchema = z.array(subscription).max(100);
export type Subscription = z.input<typeof subscription>;

interface CompiledSubscription {
  matchesType: (changeType: string) => boolean;
  filters: Array<{ path: PathSegment[]; accepts: (value: unknown) => boolean }>;
}

const GLOB_CHARS = /[*?[\]{}!]/;

function compileSubscription(entry: Subscription, field: string): CompiledSubscription {
  const { changeType, filter } = typeof entry === 'string' ? { changeType: entry, filter: undefined } : entry;
  return {
    matchesType: remembered(picomatch(changeType)),
    filters: Object.entries(filter ?? {}).map(([path, expected], i) => {
      const segments = parseJsonPath(path, `${field}.filter.${i}`);
      if (typeof expected === 'string' && GLOB_CHARS.test(expected)) {
        const glob = picomatch(expected, { dot: true });
        return { path: segments, accepts: (value: unknown) => typeof value === 'string' && glob(value) };
      }
      return { path: segments, accepts: (value: unknown) => value === expected };
    }),
  };
}

/** For module editors: refuses malformed subscriptions with the field named. */
export function parseSubscriptions(value: unknown): CompiledSubscription[] {
  const entries = parseInput(subscriptionsSchema, value, 'configuration.subscriptions');
  return entries.map((e, i) => compileSubscription(e, `configuration.subscriptions.${i}`));
}

export interface SubscribedModule {
  id: string;
  name: string;
  moduleType: string;
  dashboardId: string;
  dashboardName: string;
  projectId: string;
  subscriptions: CompiledSubscription[];
}

/** The modules with subscriptions in each project (one query per batch of changes). */
export async function loadSubscribers(
  executor: Executor,
  projectIds: string[],
): Promise<Map<string, SubscribedModule[]>> {
  const byProject = new Map<string, SubscribedModule[]>(projectIds.map((id) => [id, []]));
  if (projectIds.length === 0) return byProject;
  const subscriptionsJson = sql<unknown>`JSON_EXTRACT(${modules.configuration}, '$.subscriptions')`;
  const rows = await executor
    .select({
      id: modules.id,
      name: modules.name,
      moduleType: modules.moduleType,
      dashboardId: modules.dashboardId,
      dashboardName: dashboards.name,
      projectId: profiles.projectId,
      subscriptions: subscriptionsJson,
    })
    .from(modules)
    .innerJoin(dashboards, sql`${dashboards.id} = ${modules.dashboardId}`)
    .innerJoin(profiles, sql`${profiles.id} = ${dashboards.profileId}`)
    .where(and(inArray(profiles.projectId, projectIds), isNotNull(subscriptionsJson)))
    .orderBy(dashboards.position, dashboards.id, modules.position, modules.id);
  for (const row of rows) {
    let subscriptions: CompiledSubscription[];
    try {
      subscriptions = parseSubscriptions(asJson(row.subscriptions));
    } catch {
      // A module whose subscriptions do not parse receives nothing; its editor reports why.
      continue;
    }
    byProject.get(row.projectId)?.push({ ...row, subscriptions });
  }
  return byProject;
}

/** What `sync_buffer.impact_analysis` holds. */
export interface ImpactAnalysis {
  dashboards: Array<{ id: string; name: string; modules: Array<{ id: string; name: string; type: string }> }>;
  dashboardCount: number;
  moduleCount: number;
  highImpact: boolean;
  /** Set when approved with AI taking part: estimated tokens per dashboard id (src/core/cortex/estimation.ts). */
  aiTokens?: Record<string, number>;
}

export function subscriptionMatches(s: CompiledSubscription, changeType: string, payload: unknown): boolean {
  return s.matchesType(changeType) && s.filters.every((f) => selectValues(payload, f.path).some((v) => f.accepts(v)));
}

/** The dashboards and modules a change reaches; a module never receives its own change. */
export function analyseImpact(
  change: { changeType: string; payload: unknown; sourceModuleId: string | null },
  subscribers: SubscribedModule[],
): ImpactAnalysis {
  const affected = new Map<string, ImpactAnalysis['dashboards'][number]>();
  let moduleCount = 0;
  for (const module of subscribers) {
    if (module.id === change.sourceModuleId) continue;
    if (!module.subscriptions.some((s) => subscriptionMatches(s, change.changeType, change.payload))) continue;
    let dashboard = affected.get(module.dashboardId);
    if (!dashboard) {
      dashboard = { id: module.dashboardId, name: module.dashboardName, modules: [] };
      affected.set(module.dashboardId, dashboard);
    }
    dashboard.modules.push({ id: module.id, name: module.name, type: module.moduleType });
    moduleCount++;
  }
  const list = [...affected.values()];
  return {
    dashboards: list,
    dashboardCount: list.length,
    moduleCount,
    highImpact: list.length > HIGH_IMPACT_DASHBOARDS,
  };
}
