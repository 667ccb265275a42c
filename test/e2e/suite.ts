import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { createProjectFromTemplate } from '../../src/core/projects.ts';
import { connect, parseDatabaseUrl, type Database } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { CodeServer } from './harness.ts';

/** Registers a clean-up step; steps run in reverse order after the server has stopped. */
export type OnCleanup = (step: () => unknown) => void;

/**
 * One code-server for the enclosing describe(): `start` runs in before() (a start costs ~10 s; the
 * first run on a machine also installs code-server and Node 24, ~3 min), a failed test keeps the
 * server's screenshots and logs, and after() stops it and runs the registered clean-up steps — also
 * those of a start that failed midway. Returns what tests call to get the started server.
 */
export function codeServerSuite(
  start: (onCleanup: OnCleanup) => Promise<CodeServer>,
  setupTimeoutMs = 20 * 60_000,
): () => CodeServer {
  let vscode: CodeServer | undefined;
  let failed = false;
  const cleanups: Array<() => unknown> = [];
  before(
    async () => {
      vscode = await start((step) => cleanups.push(step));
    },
    { timeout: setupTimeoutMs },
  );
  afterEach((t) => {
    // Hooks are typed for suites too; only a test's context has `passed`.
    if ('passed' in t && !t.passed) failed = true;
  });
  after(async () => {
    await vscode?.stop({ failed });
    for (const step of cleanups.reverse()) await step();
  });
  return () => {
    assert.ok(vscode, 'code-server did not start');
    return vscode;
  };
}

/**
 * A migrated database at `url` (created if missing) holding one project from the vibe_coding
 * template, as a user who already set the Cockpit up has; `more` adds to it before the connection
 * closes. Resolves with the project's id.
 */
export async function seedDatabase(
  url: string,
  projectName: string,
  more?: (db: Database['db']) => Promise<unknown>,
): Promise<string> {
  const database = await connect(parseDatabaseUrl(url), { createDatabase: true, retries: 0 });
  try {
    await migrate(database);
    const { projectId } = await createProjectFromTemplate(database.db, 'e2e@example.invalid', {
      name: projectName,
      template: 'vibe_coding',
    });
    await more?.(database.db);
    return projectId;
  } finally {
    await database.close();
  }
}
