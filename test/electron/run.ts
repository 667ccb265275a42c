/**
 * The command- and API-level scenarios in a desktop VS Code downloaded by @vscode/test-electron,
 * for machines that can download it (these CI machines cannot: there the e2e suite runs the same
 * suite, suite.ts, in code-server's extension host). Usage: `npm run build && npm run test:electron`;
 * VS Code version from `VSCODE_VERSION` (default: stable). Database: see fixture.ts.
 */
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { prepareHostSuite } from './fixture.js';

const ROOT = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  const fixture = await prepareHostSuite(ROOT);
  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: fixture.suitePath,
      launchArgs: [fixture.workspace, '--disable-extensions'],
      extensionTestsEnv: fixture.env,
    });
  } finally {
    await fixture.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
