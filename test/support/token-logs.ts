// Claude Code transcript lines for tests, shaped like the real ones (see src/core/tokens/importers/claude-code.ts).
export const ALPHA = '/home/dev/alpha';

/** One Claude Code transcript line, shaped like the real ones. */
export function claudeLine(o: {
  messageId?: string;
  requestId?: string;
  timestamp: string;
  model?: string;
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheRead?: number;
  cwd?: string;
  gitBranch?: string;
}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: o.cwd ?? ALPHA,
    sessionId: 'session-1',
    version: '2.0.14',
    gitBranch: o.gitBranch ?? '',
    type: 'assistant',
    message: {
      id: o.messageId,
      type: 'message',
      role: 'assistant',
      model: o.model ?? 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Done.' }],
      stop_reason: null,
      usage: {
        input_tokens: o.input ?? 10,
        cache_creation_input_tokens: o.cacheWrite ?? 0,
        cache_read_input_tokens: o.cacheRead ?? 0,
        output_tokens: o.output ?? 20,
        service_tier: 'standard',
      },
    },
    requestId: o.requestId,
    uuid: `${o.messageId}-${o.timestamp}`,
    timestamp: o.timestamp,
  });
}
