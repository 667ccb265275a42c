import { execFile } from 'node:child_process';
import { mkdir, open, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { dashboards, profiles, tokenUsage } from '../../db/schema/index.js';
import { submitChange } from '../bin/submit.js';
import { CockpitError, invalid } from '../errors.js';
import type { BuiltinTool, ToolContext } from './tools.js';

/** Largest file read_workspace_file returns. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * `submit_bin_change`: the change goes through the Bin's own door (validation of the input, the
 * project and source module checked, audited) as a PENDING change; the worker validates it later.
 * `actor` names who the assistant acts for, e.g. `assistant:dev@example.com`.
 */
export function binBuiltins(db: Db, actor: string): Record<string, BuiltinTool> {
  return {
    async submit_bin_change(args, context) {
      const id = await submitChange(db, {
        projectId: context.projectId,
        changeType: String(args.changeType),
        sourceModuleId: context.moduleId ?? null,
        payload: args.payload,
        actor,
      });
      return { id, status: 'PENDING' };
    },
  };
}

/**
 * The seeded system tools that need only the database and the workspace folder; the Bin's
 * `submit_bin_change` is in `binBuiltins`, added where an actor is known.
 */
export function coreBuiltins(db: Db): Record<string, BuiltinTool> {
  return {
    async list_dashboards(_args, context) {
      const rows = await db
        .select({
          profileId: profiles.id,
          profile: profiles.name,
          activeDashboardId: profiles.activeDashboardId,
          dashboardId: dashboards.id,
          dashboard: dashboards.name,
        })
        .from(profiles)
        .leftJoin(dashboards, eq(dashboards.profileId, profiles.id))
        .where(eq(profiles.projectId, context.projectId))
        .orderBy(asc(profiles.name), asc(dashboards.position));
      return rows.map((r) => ({
        profile: r.profile,
        dashboard: r.dashboard,
        dashboardId: r.dashboardId,
        active: r.dashboardId !== null && r.dashboardId === r.activeDashboardId,
      }));
    },

    async query_token_usage(args, context) {
      const days = typeof args.days === 'number' ? args.days : 30;
      return db
        .select({
          provider: tokenUsage.provider,
          model: tokenUsage.model,
          calls: sql<number>`COUNT(*)`.mapWith(Number),
          inputTokens: sql<string>`SUM(${tokenUsage.inputTokens})`,
          outputTokens: sql<string>`SUM(${tokenUsage.outputTokens})`,
          totalCost: sql<string>`SUM(${tokenUsage.totalCost})`,
        })
        .from(tokenUsage)
        .where(
          and(
            eq(tokenUsage.projectId, context.projectId),
            sql`${tokenUsage.timestamp} >= UTC_TIMESTAMP(6) - INTERVAL ${days} DAY`,
          ),
        )
        .groupBy(tokenUsage.provider, tokenUsage.model)
        .orderBy(asc(tokenUsage.provider), asc(tokenUsage.model));
    },

    async read_workspace_file(args, context) {
      const file = await insideWorkspace(context, String(args.path));
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw invalid(`${String(args.path)} is not a file in the workspace.`, 'arguments.path');
      // Read at most the bound: a huge file never lands in memory whole.
      const handle = await open(file, 'r');
      const buffer = Buffer.alloc(Math.min(info.size, MAX_FILE_BYTES));
      try {
        await handle.read(buffer, 0, buffer.length, 0);
      } finally {
        await handle.close();
      }
      const content = buffer.toString('utf8');
      return { path: args.path, size: info.size, truncated: info.size > MAX_FILE_BYTES, content };
    },

    async write_workspace_file(args, context) {
      const file = await insideWorkspace(context, String(args.path), { mayNotExist: true });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, String(args.content), 'utf8');
      return { path: args.path, bytes: Buffer.byteLength(String(args.content)) };
    },

    async git_log(args, context) {
      const root = workspaceRoot(context);
      const limit = typeof args.limit === 'number' ? args.limit : 20;
      const gitArgs = ['log', `--max-count=${limit}`, '--format=%H%x1f%an%x1f%aI%x1f%s'];
      if (typeof args.path === 'string')
        gitArgs.push(
          '--',
          path.relative(root, await insideWorkspace(context, args.path, { mayNotExist: true })) || '.',
        );
      const output = await new Promise<string>((resolve, reject) =>
        execFile('git', gitArgs, { cwd: root, timeout: 10_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) =>
          error
            ? reject(new CockpitError('unavailable', 'git log failed: is the workspace a git repository?'))
            : resolve(stdout),
        ),
      );
      return output
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [hash, author, date, subject] = line.split('\x1f');
          return { hash, author, date, subject };
        });
    },
  };
}

function workspaceRoot(context: ToolContext): string {
  if (!context.workspaceRoot) throw new CockpitError('unavailable', 'No workspace folder is open.');
  return context.workspaceRoot;
}

/** Resolves `relative` inside the workspace, following symlinks, and refuses anything outside it. */
async function insideWorkspace(
  context: ToolContext,
  relative: string,
  options: { mayNotExist?: boolean } = {},
): Promise<string> {
  const root = await realpath(workspaceRoot(context));
  const target = path.resolve(root, relative);
  let resolved = target;
  try {
    resolved = await realpath(target);
  } catch {
    if (!options.mayNotExist) throw invalid(`${relative} does not exist in the workspace.`, 'arguments.path');
    resolved = path.join(await realpath(path.dirname(target)).catch(() => path.dirname(target)), path.basename(target));
  }
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new CockpitError('forbidden', `${relative} is outside the workspace folder.`, 'arguments.path');
  }
  return resolved;
}
