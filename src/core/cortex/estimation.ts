/**
 * What propagating a Bin change with AI would cost, shown before the change is approved: per
 * affected dashboard one request to the project's first enabled provider, holding the change's
 * payload and the affected modules' configurations, answering with about the payload's size.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { modules, syncBuffer } from '../../db/schema/index.js';
import { asJson } from '../bin/input.js';
import type { ImpactAnalysis } from '../bin/impact.js';
import { approveChange } from '../bin/review.js';
import { CockpitError, notFound } from '../errors.js';
import { recordTokenUsage } from '../tokens/record.js';
import { Pricing } from '../tokens/pricing.js';
import { estimateTokens } from './context.js';
import { listProviders } from './providers.js';

/** The instructions around each dashboard's request (system prompt, framing, tool schema). */
export const INSTRUCTION_TOKENS = 400;
/** Room the answer needs beyond the payload's own size (the explanation of the change). */
const ANSWER_OVERHEAD_TOKENS = 100;

export interface PropagationEstimate {
  changeId: string;
  projectId: string;
  /** The provider that would take part (the first enabled by priority); null: AI takes no part. */
  provider: { id: string; provider: string; model: string } | null;
  dashboards: Array<{ dashboardId: string; name: string; inputTokens: number; outputTokens: number }>;
  inputTokens: number;
  outputTokens: number;
  /** USD, 4 decimals; "0.0000" when unpriced or without AI. */
  cost: string;
  /** False when the catalog and the overrides know no price for the model. */
  priced: boolean;
}

const EMPTY: ImpactAnalysis = { dashboards: [], dashboardCount: 0, moduleCount: 0, highImpact: false };

/** Tokens of a JSON value as the estimator counts a message holding it. */
const jsonTokens = (value: unknown) => estimateTokens({ content: JSON.stringify(value) ?? 'null' });

/** The estimate for a validated change (its impact analysis names the dashboards it reaches). */
export async function estimatePropagation(
  db: Db,
  changeId: string,
  options: { pricing?: Pricing; now?: Date } = {},
): Promise<PropagationEstimate> {
  const [change] = await db
    .select({
      projectId: syncBuffer.projectId,
      status: syncBuffer.status,
      payload: syncBuffer.payload,
      impactAnalysis: syncBuffer.impactAnalysis,
    })
    .from(syncBuffer)
    .where(eq(syncBuffer.id, changeId));
  if (!change) throw notFound('Change', changeId);
  const impact = asJson<ImpactAnalysis | null>(change.impactAnalysis);
  if (!impact) {
    throw new CockpitError(
      'conflict',
      `Change ${changeId} is ${change.status} and not analysed yet: nothing to estimate.`,
    );
  }
  const empty = { changeId, projectId: change.projectId, dashboards: [], inputTokens: 0, outputTokens: 0 };
  const [provider] = (await listProviders(db, undefined, change.projectId)).filter((p) => p.enabled);
  if (!provider) return { ...empty, provider: null, cost: '0.0000', priced: false };

  const moduleIds = impact.dashboards.flatMap((d) => d.modules.map((m) => m.id));
  const configurations = new Map<string, unknown>();
  for (let i = 0; i < moduleIds.length; i += 1000) {
    const rows = await db
      .select({ id: modules.id, configuration: modules.configuration })
      .from(modules)
      .where(inArray(modules.id, moduleIds.slice(i, i + 1000)));
    for (const row of rows) configurations.set(row.id, asJson(row.configuration));
  }
  const payloadTokens = jsonTokens(asJson(change.payload));
  const dashboards = impact.dashboards.map((d) => ({
    dashboardId: d.id,
    name: d.name,
    inputTokens:
      INSTRUCTION_TOKENS +
      payloadTokens +
      d.modules.reduce((sum, m) => sum + jsonTokens(configurations.get(m.id) ?? null), 0),
    outputTokens: Math.min(provider.maxTokens, payloadTokens + ANSWER_OVERHEAD_TOKENS),
  }));
  const inputTokens = dashboards.reduce((sum, d) => sum + d.inputTokens, 0);
  const outputTokens = dashboards.reduce((sum, d) => sum + d.outputTokens, 0);
  const priced = (options.pricing ?? new Pricing()).cost(
    { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
    provider.provider,
    provider.model,
    options.now ?? new Date(),
  );
  return {
    ...empty,
    provider: { id: provider.id, provider: provider.provider, model: provider.model },
    dashboards,
    inputTokens,
    outputTokens,
    cost: priced.cost,
    priced: priced.priced,
  };
}

/**
 * Approves a change with the estimate the user saw. When AI takes part, each dashboard's tokens go
 * into the change's impact analysis (`aiTokens`) before the approval makes it due, so the worker
 * writes them as that dashboard's propagation `token_cost`; after the approval the estimate is
 * recorded as token usage with operation type `estimation` (once per change). Without AI any
 * earlier `aiTokens` are cleared and only the approval happens.
 */
export async function approveWithEstimate(
  db: Db,
  estimate: PropagationEstimate,
  actor: string,
  options: { pricing?: Pricing } = {},
): Promise<void> {
  const aiTokens = estimate.provider
    ? Object.fromEntries(estimate.dashboards.map((d) => [d.dashboardId, d.inputTokens + d.outputTokens]))
    : undefined;
  const written = await setAiTokens(db, estimate.changeId, aiTokens);
  try {
    await approveChange(db, estimate.changeId, actor);
  } catch (error) {
    // Not approved: the tokens must not stay for a later approval that may not involve AI.
    if (written && aiTokens) await setAiTokens(db, estimate.changeId, undefined).catch(() => undefined);
    throw error;
  }
  if (!estimate.provider) return;
  await recordTokenUsage(
    db,
    {
      projectId: estimate.projectId,
      provider: estimate.provider.provider,
      model: estimate.provider.model,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.outputTokens,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      operationType: 'estimation',
      eventKey: `cortex:estimation:${estimate.changeId}`,
      source: 'cortex',
    },
    { pricing: options.pricing },
  );
}

/** Writes (or clears) `aiTokens` of a change still waiting for approval; false when it is not waiting. */
async function setAiTokens(db: Db, changeId: string, aiTokens: Record<string, number> | undefined): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        status: syncBuffer.status,
        due: syncBuffer.propagationDue,
        impactAnalysis: syncBuffer.impactAnalysis,
      })
      .from(syncBuffer)
      .where(eq(syncBuffer.id, changeId))
      .for('update');
    if (!row) throw notFound('Change', changeId);
    // A change already approved keeps what its approval stored; approveChange says why it refuses.
    if (row.status !== 'VALIDATED' || row.due) return false;
    const { aiTokens: _previous, ...impact } = asJson<ImpactAnalysis | null>(row.impactAnalysis) ?? EMPTY;
    await tx
      .update(syncBuffer)
      .set({ impactAnalysis: aiTokens ? { ...impact, aiTokens } : impact })
      .where(eq(syncBuffer.id, changeId));
    return true;
  });
}
