import { claudeCodeFormat, claudeCodeLogDirs } from './claude-code.js';
import { codexFormat, codexLogDirs } from './codex.js';
import { findLogFiles, importFiles, type ImportOptions, type ImportReport, type LogFormat } from './importer.js';

export type { ImportOptions, ImportReport, LogFormat, ParsedUsage, ProjectResolver } from './importer.js';
export { findLogFiles, importFiles } from './importer.js';
export { claudeCodeFormat, claudeCodeLogDirs } from './claude-code.js';
export { codexFormat, codexLogDirs } from './codex.js';
export { LogWatcher } from './watcher.js';

export type TokenLogSource = 'claude-code' | 'codex';

export interface TokenLogKind {
  format: LogFormat;
  /** The directories to scan, from `--path` or the tool's own environment and defaults. */
  dirs(options: { path?: string; env?: NodeJS.ProcessEnv; home?: string }): string[];
}

export const TOKEN_LOGS: Record<TokenLogSource, TokenLogKind> = {
  'claude-code': { format: claudeCodeFormat, dirs: claudeCodeLogDirs },
  codex: { format: codexFormat, dirs: codexLogDirs },
};

/** Finds the tool's log files and imports what is new in them. */
export async function importTokenLogs(
  source: TokenLogSource,
  options: ImportOptions & { path?: string; env?: NodeJS.ProcessEnv; home?: string },
): Promise<ImportReport> {
  const kind = TOKEN_LOGS[source];
  const files = await findLogFiles(kind.dirs(options));
  return importFiles(kind.format, files, options);
}
