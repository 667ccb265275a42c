import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { LineOutcome, LogFormat } from './importer.js';

/**
 * The `projects` directories Claude Code writes its JSONL transcripts to: each directory of
 * `CLAUDE_CONFIG_DIR` (comma-separated) when set, else `~/.config/claude` and `~/.claude`.
 * `--path DIR` may name a config directory (with `projects/`) or the projects directory itself.
 */
export function claudeCodeLogDirs(options: { path?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string[] {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const configDirs = options.path
    ? [options.path]
    : env.CLAUDE_CONFIG_DIR
      ? env.CLAUDE_CONFIG_DIR.split(',')
          .map((d) => d.trim())
          .filter(Boolean)
      : [path.join(home, '.config', 'claude'), path.join(home, '.claude')];
  return configDirs.map((dir) => (existsSync(path.join(dir, 'projects')) ? path.join(dir, 'projects') : dir));
}

const count = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/**
 * Claude Code transcript lines. An assistant line carries `message.usage` (input, output, cache
 * creation and cache read tokens), `message.model`, `message.id`, `requestId`, `timestamp`, `cwd` and
 * `gitBranch`. One API response is written as several lines (one per content block) with the same
 * `message.id:requestId`: that pair is the event key, as in ccusage.
 */
export const claudeCodeFormat: LogFormat = {
  source: 'claude-code',
  createParser: () => ({
    state: () => null,
    parse(text): LineOutcome {
      const entry = JSON.parse(text) as Record<string, unknown>;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        return { kind: 'malformed', reason: 'not a JSON object' };
      }
      const message = entry.message as Record<string, unknown> | undefined;
      const usage = message?.usage as Record<string, unknown> | undefined;
      if (typeof usage !== 'object' || usage === null) return { kind: 'ignore' };
      const input = count(usage.input_tokens);
      const output = count(usage.output_tokens);
      if (input === undefined || output === undefined)
        return { kind: 'malformed', reason: 'usage without token counts' };
      const model = typeof message?.model === 'string' ? message.model : undefined;
      if (!model) return { kind: 'skip', reason: 'no model' };
      if (model === '<synthetic>') return { kind: 'skip', reason: 'synthetic' };
      if (typeof entry.timestamp !== 'string') return { kind: 'malformed', reason: 'no timestamp' };
      const messageId = typeof message?.id === 'string' ? message.id : undefined;
      const requestId = typeof entry.requestId === 'string' ? entry.requestId : undefined;
      const eventKey =
        messageId && requestId
          ? `claude-code:${messageId}:${requestId}`
          : `claude-code:line:${createHash('sha1').update(text).digest('hex')}`;
      const branch = typeof entry.gitBranch === 'string' && entry.gitBranch !== '' ? entry.gitBranch : undefined;
      return {
        kind: 'usage',
        usage: {
          eventKey,
          timestamp: entry.timestamp,
          provider: 'anthropic',
          model,
          inputTokens: input,
          outputTokens: output,
          cacheWriteTokens: count(usage.cache_creation_input_tokens) ?? 0,
          cacheReadTokens: count(usage.cache_read_input_tokens) ?? 0,
          cwd: typeof entry.cwd === 'string' ? entry.cwd : undefined,
          gitBranch: branch?.slice(0, 255),
        },
      };
    },
  }),
};
