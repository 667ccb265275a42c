/**
 * Runs inside the extension host of a desktop VS Code started by run.ts: the scenarios that need no
 * browser — activation, the contributed commands, the exported API — against the real database.
 * `run()` rejects when any scenario fails (that is how @vscode/test-electron reports failure).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CockpitApi } from '../../src/vscode/extension.js';

const EXTENSION_ID = 'devguide.devguide-cockpit';

interface Manifest {
  contributes: { commands: Array<{ command: string }> };
}

const scenarios: Array<[string, () => Promise<void>]> = [
  [
    'activates and exports the typed API',
    async () => {
      const api = await cockpit();
      assert.equal(typeof api.recordTokenUsage, 'function');
      assert.equal(typeof api.submitChange, 'function');
    },
  ],
  [
    'registers every command it contributes',
    async () => {
      await cockpit();
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
      assert.deepEqual(missing, []);
    },
  ],
  [
    'records token usage through the API, priced, once per event key',
    async () => {
      const api = await cockpit();
      const event = {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5-20250929',
        inputTokens: 100_000,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        eventKey: 'electron-suite-1',
      };
      const first = await api.recordTokenUsage(event);
      assert.deepEqual([first.recorded, first.priced, first.totalCost], [true, true, '0.3000']);
      const again = await api.recordTokenUsage(event);
      assert.deepEqual([again.recorded, again.id], [false, first.id]);
    },
  ],
  [
    'refuses a bad usage event with a message naming the field',
    async () => {
      const api = await cockpit();
      await assert.rejects(
        api.recordTokenUsage({
          provider: 'anthropic',
          model: 'x',
          inputTokens: -1,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        }),
        /inputTokens/,
      );
    },
  ],
  [
    'submits a change to The Bin through the API',
    async () => {
      const api = await cockpit();
      const projectId = process.env.COCKPIT_ELECTRON_PROJECT_ID!;
      const id = await api.submitChange({ projectId, changeType: 'decision.accepted', payload: { title: 'Use TiDB' } });
      assert.match(id, /^[0-9a-f-]{36}$/);
      await assert.rejects(
        api.submitChange({ projectId, changeType: 'x', payload: 'a'.repeat(2_000_000) }),
        /payload/i,
      );
    },
  ],
];

async function cockpit(): Promise<CockpitApi> {
  const extension = vscode.extensions.getExtension<CockpitApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, scenario] of scenarios) {
    try {
      await scenario();
      console.log(`ok - ${name}`);
    } catch (error) {
      failures.push(name);
      console.error(`not ok - ${name}\n${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} scenario(s) failed: ${failures.join('; ')}`);
}
