/**
 * The Bin view's request handlers (Cockpit: Open The Bin). Plain functions over a Database, no
 * `vscode`, so the integration tests drive them through the real dispatcher on MariaDB. Every
 * write goes through src/core/bin, which re-checks the transition and audits it.
 */
import {
  changeCounts,
  changeTypes,
  complianceReport,
  createGuardrail,
  createStandard,
  highImpactChanges,
  listAllGuardrails,
  listChanges,
  listModules,
  listProjectChoices,
  listStandards,
  listViolations,
  payloadView,
  projectNames,
  rejectChange,
  resubmitWithFixes,
  retryChange,
  setViolationStatus,
  showChange,
  testPattern,
  updateGuardrail,
  updateStandard,
} from '../core/bin/index.js';
import { approveWithEstimate, estimatePropagation, type PropagationEstimate } from '../core/cortex/estimation.js';
import { invalid, parseJsonText } from '../core/errors.js';
import type { Pricing } from '../core/tokens/pricing.js';
import type { Database } from '../db/connection.js';
import type { BinChangeEstimate, BinRulesView } from '../protocol.js';
import type { RequestHandlers } from './webview/dispatcher.js';

export interface BinViewDeps {
  database: () => Promise<Pick<Database, 'db' | 'server'>>;
  /** Prices for the AI estimate shown before an approval (the catalog with the user's overrides). */
  pricing?: () => Pricing;
  /** Who is acting (audit trail, approved_by). */
  actor: () => Promise<string>;
  /** Something was queued for the worker (approve, retry, resubmit): run it now. */
  queued?: () => void;
}

const HIGH_IMPACT_DAYS = 7;

/** What the view shows beside Approve; null when no AI provider would take part. */
function estimateView(estimate: PropagationEstimate): BinChangeEstimate | null {
  if (!estimate.provider) return null;
  return {
    provider: estimate.provider.provider,
    model: estimate.provider.model,
    dashboards: estimate.dashboards.length,
    tokens: estimate.inputTokens + estimate.outputTokens,
    cost: estimate.priced ? estimate.cost : null,
  };
}

export function binViewHandlers(deps: BinViewDeps): RequestHandlers {
  const db = async () => (await deps.database()).db;
  const queued = () => deps.queued?.();
  const pricing = () => (deps.pricing ? { pricing: deps.pricing() } : {});
  return {
    'view/ready': () => ({ view: 'bin' }),

    'bin/changes': async ({ limit = 200, ...filters }) => {
      const d = await db();
      // One row past the page says whether an older page exists.
      const [page, counts, types, modules] = await Promise.all([
        listChanges(d, { ...filters, limit: limit + 1 }),
        changeCounts(d),
        changeTypes(d),
        listModules(d, { limit: 1000 }),
      ]);
      const changes = page.slice(0, limit);
      return {
        changes,
        more: page.length > limit,
        counts,
        changeTypes: types,
        modules: modules.map(({ id, name, dashboardName, projectName }) => ({ id, name, dashboardName, projectName })),
        projects: await projectNames(
          d,
          changes.map((c) => c.projectId),
        ),
      };
    },

    'bin/change': async ({ id }) => {
      const d = await db();
      const { payload, ...change } = await showChange(d, id);
      const standards = await listStandards(d);
      const used = new Set(change.violations.map((v) => v.standardId));
      const names = await projectNames(d, [change.projectId]);
      return {
        change,
        payload: payloadView(payload, change.validatedAt !== null),
        standards: Object.fromEntries(standards.filter((s) => used.has(s.id)).map((s) => [s.id, s.standardName])),
        projectName: names[change.projectId] ?? null,
        estimate: change.awaitingApproval ? estimateView(await estimatePropagation(d, id, pricing())) : null,
      };
    },

    'bin/approve': async ({ id }) => {
      // The estimate is taken again at approval and kept with it (the propagation's token_cost).
      const d = await db();
      await approveWithEstimate(d, await estimatePropagation(d, id, pricing()), await deps.actor(), pricing());
      queued();
      return { ok: true };
    },
    'bin/reject': async ({ id, reason }) => {
      await rejectChange(await db(), id, await deps.actor(), reason);
      return { ok: true };
    },
    'bin/retry': async ({ id }) => {
      const result = await retryChange(await db(), id, await deps.actor());
      queued();
      return result;
    },
    'bin/fix': async ({ id }) => {
      const result = await resubmitWithFixes(await db(), id, await deps.actor());
      queued();
      return result;
    },

    'bin/compliance': async ({ violationStatus, days }) => {
      const database = await deps.database();
      const window = days ?? HIGH_IMPACT_DAYS;
      const [compliance, violations, highImpact] = await Promise.all([
        complianceReport(database),
        listViolations(database.db, { status: violationStatus, limit: 500 }),
        highImpactChanges(database, { days: window, limit: 50 }),
      ]);
      return { compliance, violations, highImpact, days: window };
    },
    'bin/violation': async ({ id, status }) => {
      await setViolationStatus(await db(), id, status, await deps.actor());
      return { ok: true };
    },

    'bin/rules': async (): Promise<BinRulesView> => {
      const d = await db();
      const [standards, guardrails, projects] = await Promise.all([
        listStandards(d),
        listAllGuardrails(d),
        listProjectChoices(d),
      ]);
      return {
        standards,
        guardrails: guardrails.map((g) => ({ ...g, configurationText: JSON.stringify(g.configuration, null, 2) })),
        projects,
      };
    },
    'bin/saveStandard': async ({ id, ...fields }) => {
      const d = await db();
      const actor = await deps.actor();
      if (id) return updateStandard(d, id, fields, actor);
      const { standardName = '', category, patternRegex = '', ...rest } = fields;
      if (!category) throw invalid('category: choose temporal, nomenclature or versioning.', 'category');
      return createStandard(d, { standardName, category, patternRegex, ...rest }, actor);
    },
    'bin/saveGuardrail': async ({ id, configuration, projectId, ...fields }) => {
      const d = await db();
      const actor = await deps.actor();
      const parsed =
        configuration === undefined ? undefined : parseJsonText(configuration, 'configuration', 'configuration');
      if (id) {
        if (projectId !== undefined) throw invalid('projectId: a guardrail keeps its project.', 'projectId');
        return updateGuardrail(d, id, { ...fields, ...(parsed === undefined ? {} : { configuration: parsed }) }, actor);
      }
      const { ruleId = '', description = '', severity } = fields;
      if (!severity) throw invalid('severity: choose LOW, MEDIUM, HIGH or CRITICAL.', 'severity');
      if (parsed === undefined)
        throw invalid('configuration: a configuration with a kind is required.', 'configuration');
      return createGuardrail(
        d,
        { ...fields, ruleId, description, severity, projectId: projectId ?? null, configuration: parsed },
        actor,
      );
    },
    'bin/validatePattern': ({ pattern, sample }) => testPattern(pattern, sample),
  };
}
