import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { projects } from '../db/schema/index.js';
import { resolveActor } from '../core/actor.js';
import { cacheStats } from '../core/cortex/cache.js';
import { ask, openContextWindow } from '../core/cortex/context.js';
import { Cortex } from '../core/cortex/cortex.js';
import { generateMasterKey, SecretBox } from '../core/cortex/crypto.js';
import { loadCliKeyRing, writeKeyFile } from '../core/cortex/key-file.js';
import {
  addProvider,
  deleteProvider,
  listProviders,
  PROVIDER_KINDS,
  type ProviderKind,
} from '../core/cortex/providers.js';
import { rotateMasterKey } from '../core/cortex/rotation.js';
import { tokenUsageRecorder } from '../core/cortex/usage.js';
import { notFound } from '../core/errors.js';
import { UsageError } from './usage-error.js';

export const AI_USAGE = `  ai provider add --project ID --provider P --model M [--base-url U] [--key-stdin]
                [--priority N] [--temperature T] [--max-tokens N] [--disabled]
                           Add an AI provider (${PROVIDER_KINDS.join(', ')}); the key is read from stdin.
  ai provider list --project ID [--json]   A project's providers in fallback order (keys masked).
  ai provider remove ID    Delete a provider configuration.
  ai ask --project ID [--conversation] "question"
                           Ask the project's providers (fallback by priority); prints the answer and the provider.
  ai cache stats [--json] [--ttl-days N]   Prompt cache entries, hits and saved cost.
  ai key rotate            Re-encrypt every secret under a new master key (key file only).

AI keys are encrypted with the master key from COCKPIT_MASTER_KEY (base64, 32 bytes) or the key file
$XDG_CONFIG_HOME/devguide-cockpit/master.key (created with mode 0600 on first use).`;

const DEFAULT_TTL_DAYS = 7;

function keyRing() {
  const ring = loadCliKeyRing();
  if (ring.created)
    console.error(
      `Created the master key file ${ring.source} (mode 0600). Back it up: without it the stored AI keys cannot be read.`,
    );
  return ring;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      '--key-stdin reads the key from a pipe, e.g. `printf %s "$KEY" | cockpit ai provider add … --key-stdin`.',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function integer(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${option} needs a whole number.`);
  return Number(value);
}

export async function aiCommand(database: Database, args: string[]): Promise<number> {
  const [group, action, ...rest] = args;
  const actor = await resolveActor(process.cwd());
  const key = `${group ?? ''} ${action ?? ''}`.trim();
  switch (key) {
    case 'provider add': {
      const { values } = parseArgs({
        args: rest,
        options: {
          project: { type: 'string' },
          provider: { type: 'string' },
          model: { type: 'string' },
          'base-url': { type: 'string' },
          'key-stdin': { type: 'boolean', default: false },
          priority: { type: 'string' },
          temperature: { type: 'string' },
          'max-tokens': { type: 'string' },
          disabled: { type: 'boolean', default: false },
        },
      });
      if (!values.project || !values.provider || !values.model) {
        throw new UsageError('ai provider add needs --project, --provider and --model.');
      }
      const apiKey = values['key-stdin'] ? await readStdin() : undefined;
      const box = new SecretBox(keyRing().keys);
      const view = await addProvider(database.db, box, actor, {
        projectId: values.project,
        provider: values.provider as ProviderKind,
        model: values.model,
        baseUrl: values['base-url'],
        apiKey: apiKey || undefined,
        priority: integer(values.priority, '--priority'),
        maxTokens: integer(values['max-tokens'], '--max-tokens'),
        temperature: values.temperature,
        enabled: !values.disabled,
      });
      console.log(
        `Added ${view.provider} (${view.model}) to project ${view.projectId} as ${view.id}, priority ${view.priority}${view.keyHint ? `, key ${view.keyHint}` : ''}.`,
      );
      return 0;
    }
    case 'provider list': {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      if (!values.project) throw new UsageError('ai provider list needs --project.');
      const providers = await listProviders(database.db, new SecretBox(keyRing().keys), values.project);
      if (values.json) console.log(JSON.stringify(providers, null, 2));
      else if (providers.length === 0) console.log('No AI providers.');
      else
        for (const p of providers) {
          console.log(
            `${p.priority}\t${p.provider}\t${p.model}\t${p.enabled ? 'enabled' : 'disabled'}\t${p.keyHint ?? 'no key'}\t${p.id}`,
          );
        }
      return 0;
    }
    case 'provider remove': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (!positionals[0]) throw new UsageError('ai provider remove needs the configuration id.');
      await deleteProvider(database.db, actor, positionals[0]);
      console.log(`Removed AI provider ${positionals[0]}.`);
      return 0;
    }
    case 'cache stats': {
      const { values } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean', default: false }, 'ttl-days': { type: 'string' } },
      });
      const ttlDays = integer(values['ttl-days'], '--ttl-days') ?? DEFAULT_TTL_DAYS;
      const stats = await cacheStats(database.db, ttlDays * 86_400);
      if (values.json) console.log(JSON.stringify(stats, null, 2));
      else {
        console.log(
          `${stats.entries} cached responses (${stats.expired} expired), ${stats.hits} hits, saved $${stats.savedCost}.`,
        );
        for (const p of stats.byProvider)
          console.log(`  ${p.provider}: ${p.entries} entries, ${p.hits} hits, saved $${p.savedCost}`);
      }
      return 0;
    }
    case 'key rotate': {
      if (process.env.COCKPIT_MASTER_KEY) {
        throw new UsageError('The master key comes from COCKPIT_MASTER_KEY: rotate with the key file, or in VS Code.');
      }
      const ring = keyRing();
      const current = new SecretBox(ring.keys);
      const next = generateMasterKey(current.primary.version + 1);
      // Both keys on disk before the data changes: a crash after the commit never loses the new key.
      writeKeyFile(ring.source, [next, ...ring.keys]);
      const report = await rotateMasterKey(database.db, current, next, actor);
      writeKeyFile(ring.source, [next]);
      console.log(
        `Re-encrypted ${report.apiKeys} API key(s) and ${report.oauthSecrets} OAuth secret(s) under master key v${report.version} #${report.keyId}.`,
      );
      return 0;
    }
  }
  if (group === 'ask') {
    const { values, positionals } = parseArgs({
      args: args.slice(1),
      allowPositionals: true,
      options: { project: { type: 'string' }, conversation: { type: 'boolean', default: false } },
    });
    const question = positionals.join(' ').trim();
    if (!values.project || !question) throw new UsageError('ai ask needs --project and a question.');
    const [project] = await database.db.select().from(projects).where(eq(projects.id, values.project));
    if (!project) throw notFound('Project', values.project);
    const cortex = new Cortex({
      db: database.db,
      box: new SecretBox(keyRing().keys),
      actor,
      usage: tokenUsageRecorder(database.db),
    });
    const system = `You are the DevGuide Cockpit assistant for the project "${project.name}"${project.description ? `: ${project.description}` : ''}. Answer concisely.`;
    const result = values.conversation
      ? (
          await ask(cortex, {
            windowId: (await openContextWindow(database.db, project.id)).id,
            question,
            operationType: 'chat',
          })
        ).completion
      : await cortex.complete({
          projectId: project.id,
          operationType: 'chat',
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
          ],
        });
    console.log(result.text);
    const tokens = `${result.usage.inputTokens + result.usage.cacheReadInputTokens + result.usage.cacheCreationInputTokens} in / ${result.usage.outputTokens} out`;
    console.log(
      `\n— ${result.provider} (${result.model})${result.cached ? `, from the prompt cache (saved $${result.savedCost ?? '0.0000'})` : `, ${tokens} tokens${result.cost ? `, $${result.cost}` : ''}`}`,
    );
    return 0;
  }
  throw new UsageError(`Unknown ai command "${args.join(' ')}".\n\nUsage:\n${AI_USAGE}`);
}
