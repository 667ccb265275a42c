import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { LineOutcome, LineParser, LogFormat } from './importer.js';

/** `$CODEX_HOME/sessions` (default `~/.codex/sessions`); `--path DIR` may name the home or the sessions dir. */
export function codexLogDirs(options: { path?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string[] {
  const env = options.env ?? process.env;
  const base = options.path ?? env.CODEX_HOME ?? path.join(options.home ?? homedir(), '.codex');
  return [existsSync(path.join(base, 'sessions')) ? path.join(base, 'sessions') : base];
}

interface Totals {
  input: number;
  cached: number;
  output: number;
  total: number;
}

interface CodexState {
  session?: string;
  cwd?: string;
  branch?: string;
  model?: string;
  provider?: string;
  /** Cumulative usage of the session so far: repeated token_count events carry the same total. */
  totals?: Totals;
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function totalsOf(usage: unknown): Totals | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Record<string, unknown>;
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  const cached = Math.min(num(u.cached_input_tokens) ?? 0, input);
  return { input, cached, output, total: num(u.total_tokens) ?? input + output };
}

/**
 * Codex CLI rollout files (`sessions/YYYY/MM/DD/rollout-*.jsonl`): one `{timestamp, type, payload}` per
 * line. `session_meta` names the session, cwd and git branch; `turn_context` the model; `event_msg` with
 * `payload.type = "token_count"` carries `info.last_token_usage` (this turn) and `info.total_token_usage`
 * (the session so far). OpenAI's `input_tokens` include `cached_input_tokens`: the cached part is stored
 * as cache reads, the rest as input; `output_tokens` already include reasoning tokens. The event key is
 * the session id plus the cumulative total, so a repeated token_count (same total) is one event.
 */
export const codexFormat: LogFormat = {
  source: 'codex',
  createParser(savedState, filePath): LineParser {
    const state: CodexState = savedState ? (JSON.parse(savedState) as CodexState) : {};
    state.session ??= path.basename(filePath, '.jsonl');
    return {
      state: () => JSON.stringify(state),
      parse(text): LineOutcome {
        const entry = JSON.parse(text) as Record<string, unknown>;
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
          return { kind: 'malformed', reason: 'not a JSON object' };
        }
        const payload = (entry.payload ?? {}) as Record<string, unknown>;
        switch (entry.type) {
          case 'session_meta': {
            state.session = str(payload.id) ?? state.session;
            state.cwd = str(payload.cwd) ?? state.cwd;
            state.provider = str(payload.model_provider) ?? state.provider;
            const git = payload.git as Record<string, unknown> | undefined;
            state.branch = str(git?.branch) ?? state.branch;
            return { kind: 'ignore' };
          }
          case 'turn_context':
            state.model = str(payload.model) ?? state.model;
            state.cwd = str(payload.cwd) ?? state.cwd;
            return { kind: 'ignore' };
          case 'event_msg':
            break;
          default:
            return { kind: 'ignore' };
        }
        if (payload.type !== 'token_count') return { kind: 'ignore' };
        const info = payload.info as Record<string, unknown> | null | undefined;
        if (!info) return { kind: 'ignore' }; // rate-limit-only update
        const total = totalsOf(info.total_token_usage);
        const last = totalsOf(info.last_token_usage);
        const previous = state.totals;
        if (!total && !last) return { kind: 'malformed', reason: 'token_count without usage' };
        if (total && previous && total.total === previous.total) return { kind: 'ignore' };
        const delta =
          last ??
          (total && {
            input: total.input - (previous?.input ?? 0),
            cached: total.cached - (previous?.cached ?? 0),
            output: total.output - (previous?.output ?? 0),
            total: total.total - (previous?.total ?? 0),
          });
        if (!delta || delta.input < 0 || delta.output < 0) return { kind: 'malformed', reason: 'usage went backwards' };
        state.totals = total ?? {
          input: (previous?.input ?? 0) + delta.input,
          cached: (previous?.cached ?? 0) + delta.cached,
          output: (previous?.output ?? 0) + delta.output,
          total: (previous?.total ?? 0) + delta.total,
        };
        if (typeof entry.timestamp !== 'string') return { kind: 'malformed', reason: 'no timestamp' };
        if (!state.model) return { kind: 'skip', reason: 'no model' };
        return {
          kind: 'usage',
          usage: {
            eventKey: `codex:${state.session}:${state.totals.total}`,
            timestamp: entry.timestamp,
            provider: state.provider ?? 'openai',
            model: state.model,
            inputTokens: delta.input - delta.cached,
            cacheReadTokens: delta.cached,
            cacheWriteTokens: 0,
            outputTokens: delta.output,
            cwd: state.cwd,
            gitBranch: state.branch?.slice(0, 255),
          },
        };
      },
    };
  },
};
