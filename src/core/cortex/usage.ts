import type { Db } from '../../db/connection.js';
import { Pricing } from '../tokens/pricing.js';
import { recordTokenUsage } from '../tokens/record.js';
import type { UsageEvent, UsageRecorder } from './types.js';

/**
 * Records each attempt (failed ones with the provider's zero usage included) through the token
 * service: one `token_usage` row, priced by the catalog and the user's overrides, cache tokens
 * kept apart. Answers the cost, or null for a model the catalog does not price.
 */
export function tokenUsageRecorder(db: Db, pricing: Pricing = new Pricing()): UsageRecorder {
  return {
    async record(event: UsageEvent) {
      const result = await recordTokenUsage(
        db,
        {
          projectId: event.projectId,
          provider: event.provider,
          model: event.model,
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
          cacheReadTokens: event.usage.cacheReadInputTokens,
          cacheWriteTokens: event.usage.cacheCreationInputTokens,
          operationType: event.operationType,
          dashboardContext: event.dashboardContext ?? undefined,
          source: 'cortex',
        },
        { pricing },
      );
      return { totalCost: result.priced ? result.totalCost : null };
    },
  };
}
