/**
 * The extension-host suite that `npm run test:electron` runs in a downloaded desktop VS Code
 * (test/electron/suite.ts: activation, every contributed command, the exported API against the real
 * database), run here in code-server's extension host by VS Code's own extension-test mode, with
 * the packaged extension as the development extension. These machines cannot download VS Code, so
 * this is how that suite runs on every CI run.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { prepareHostSuite, type HostSuiteFixture } from '../electron/fixture.ts';
import { startCodeServer, type CodeServer } from './harness.ts';
import { codeServerSuite } from './suite.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const EXTENSION_ID = 'devguide.devguide-cockpit';

describe('the test-electron suite in code-server', () => {
  let fixture: HostSuiteFixture | undefined;
  const server = codeServerSuite(async (onCleanup) => {
    const prepared = await prepareHostSuite(ROOT);
    fixture = prepared;
    onCleanup(() => prepared.dispose());
    return startCodeServer({ vsixPath: VSIX, workspaceDir: prepared.workspace, suite: 'host-suite' });
  }, 10 * 60_000);

  function started(): { vscode: CodeServer; fixture: HostSuiteFixture } {
    const vscode = server();
    assert.ok(fixture, 'the fixture was not prepared');
    return { vscode, fixture };
  }

  it('every scenario passes in the extension host', { timeout: 240_000 }, async () => {
    const { vscode, fixture } = started();
    const { exitCode, output } = await vscode.runExtensionTests({
      extensionId: EXTENSION_ID,
      testsPath: fixture.suitePath,
      workspaceDir: fixture.workspace,
      env: fixture.env,
    });
    const results = output.filter((line) => /^(not )?ok - /.test(line));
    console.log(results.join('\n'));
    assert.equal(exitCode, 0, output.join('\n'));
    assert.deepEqual(
      results.filter((line) => line.startsWith('not ok')),
      [],
    );
    assert.ok(results.length >= 5, `expected the suite's scenarios to report, got:\n${output.join('\n')}`);
  });

  it('a failing suite is reported as a failure', { timeout: 240_000 }, async () => {
    const { vscode, fixture } = started();
    const failing = path.join(path.dirname(fixture.suitePath), 'failing-suite.js');
    await writeFile(failing, `exports.run = async () => { throw new Error('deliberately failing'); };\n`);
    const { exitCode } = await vscode.runExtensionTests({
      extensionId: EXTENSION_ID,
      testsPath: failing,
      workspaceDir: fixture.workspace,
    });
    assert.notEqual(exitCode, 0);
  });
});
