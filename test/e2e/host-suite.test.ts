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
import { after, afterEach, before, describe, it } from 'node:test';
import { prepareHostSuite, type HostSuiteFixture } from '../electron/fixture.ts';
import { startCodeServer, type CodeServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VSIX = path.join(ROOT, 'dist/devguide-cockpit.vsix');
const EXTENSION_ID = 'devguide.devguide-cockpit';

describe('the test-electron suite in code-server', () => {
  let vscode: CodeServer | undefined;
  let fixture: HostSuiteFixture | undefined;
  let failed = false;

  before(
    async () => {
      fixture = await prepareHostSuite(ROOT);
      vscode = await startCodeServer({ vsixPath: VSIX, workspaceDir: fixture.workspace, suite: 'host-suite' });
    },
    { timeout: 10 * 60_000 },
  );

  afterEach((t) => {
    if ('passed' in t && !t.passed) failed = true;
  });

  after(async () => {
    await vscode?.stop({ failed });
    await fixture?.dispose();
  });

  function started(): { vscode: CodeServer; fixture: HostSuiteFixture } {
    assert.ok(vscode && fixture, 'code-server did not start');
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
