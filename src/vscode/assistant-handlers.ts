/**
 * The Cockpit assistant panel's request handlers. No `vscode` import: the panel (assistant.ts)
 * passes what VS Code provides, and the integration tests drive these handlers on MariaDB.
 */
import type { Database } from '../db/connection.js';
import { assistantTurn, buildProjectContext, type TurnStep } from '../core/cortex/assistant.js';
import { binBuiltins, coreBuiltins } from '../core/cortex/builtins.js';
import { clearContextWindow, openContextWindow, type ContextWindow } from '../core/cortex/context.js';
import type { CompletionResult, Cortex } from '../core/cortex/cortex.js';
import type { SecretBox } from '../core/cortex/crypto.js';
import { ExternalAccess } from '../core/cortex/external-access.js';
import {
  addProvider,
  deleteProvider,
  getProvider,
  listProviders,
  updateProvider,
  type ProviderView,
} from '../core/cortex/providers.js';
import {
  capabilitiesTableChecker,
  listTools,
  toolDefinitions,
  ToolRunner,
  type SessionTokenProvider,
} from '../core/cortex/tools.js';
import { CockpitError } from '../core/errors.js';
import { sumCosts } from '../core/tokens/money.js';
import type { AssistantAnswerView, AssistantState, AssistantStepView } from '../protocol.js';
import type { RequestHandlers } from './webview/dispatcher.js';

export interface AssistantHost {
  database(): Promise<Database>;
  /** This window's project, if the workspace maps to one. */
  project(database: Database): Promise<{ id: string; name: string } | undefined>;
  box(): Promise<SecretBox>;
  actor(): Promise<string>;
  cortex(): Promise<Cortex>;
  /** Asks the user before deleting a provider. */
  confirmDelete(view: ProviderView): Promise<boolean>;
  workspaceRoot?: string;
  /** The module the assistant acts for (capability checks of its tools). */
  moduleId?: string | null;
  sessionTokens?: SessionTokenProvider;
}

const NO_PROJECT = 'This workspace maps to no Cockpit project: open the Cockpit panel to create or link one.';

/** The panel's handlers. */
export function assistantHandlers(host: AssistantHost): RequestHandlers {
  const requireProject = async () => {
    const database = await host.database();
    const project = await host.project(database);
    if (!project) throw new CockpitError('not-found', NO_PROJECT);
    return { database, project };
  };
  const state = async (): Promise<AssistantState> => {
    const database = await host.database();
    const project = await host.project(database);
    if (!project) return { project: null, problem: NO_PROJECT, dashboard: null, providers: [], conversation: null };
    const [providers, context, window] = await Promise.all([
      listProviders(database.db, await host.box(), project.id),
      buildProjectContext(database.db, project.id),
      openContextWindow(database.db, project.id),
    ]);
    return {
      project,
      problem: null,
      dashboard: context.dashboard ? `${context.dashboard.name} (${context.dashboard.profile})` : null,
      providers: providers.map(providerView),
      conversation: conversationView(window),
    };
  };
  /** The provider must belong to this window's project: the webview names ids, the host checks them. */
  const ownProvider = async (id: string) => {
    const { database, project } = await requireProject();
    const view = await getProvider(database.db, undefined, id);
    if (view.projectId !== project.id)
      throw new CockpitError('not-found', `AI provider configuration ${id} does not exist.`);
    return { database, view };
  };

  return {
    'view/ready': () => ({ view: 'assistant' }),
    'assistant/state': state,
    'assistant/ask': async ({ question }) => {
      const { database, project } = await requireProject();
      const cortex = await host.cortex();
      const actor = await host.actor();
      const box = await host.box();
      const runner = new ToolRunner({
        db: database.db,
        dialect: database.server.dialect,
        actor,
        capabilities: capabilitiesTableChecker(database.db),
        builtins: { ...coreBuiltins(database.db), ...binBuiltins(database.db, `assistant:${actor}`) },
        externalAccess: new ExternalAccess({ db: database.db, box, actor }),
        sessionTokens: host.sessionTokens,
      });
      const turn = await assistantTurn({
        cortex,
        windowId: (await openContextWindow(database.db, project.id)).id,
        question,
        context: await buildProjectContext(database.db, project.id),
        tools: {
          definitions: toolDefinitions(await listTools(database.db)),
          runner,
          context: { projectId: project.id, moduleId: host.moduleId ?? null, workspaceRoot: host.workspaceRoot },
        },
      });
      return { turn: answerView(turn.answer, turn.steps), state: await state() };
    },
    'assistant/clear': async () => {
      const { database, project } = await requireProject();
      await clearContextWindow(database.db, (await openContextWindow(database.db, project.id)).id);
      return state();
    },
    'assistant/provider/add': async (params) => {
      const { database, project } = await requireProject();
      const existing = await listProviders(database.db, undefined, project.id);
      await addProvider(database.db, await host.box(), await host.actor(), {
        ...params,
        projectId: project.id,
        apiKey: params.apiKey?.trim() || undefined,
        // New providers go last in the fallback order unless the panel says otherwise.
        priority: params.priority ?? (existing.length ? Math.max(...existing.map((p) => p.priority)) + 1 : 0),
      });
      return state();
    },
    'assistant/provider/update': async ({ id, ...patch }) => {
      const { database } = await ownProvider(id);
      await updateProvider(database.db, await host.box(), await host.actor(), id, patch);
      return state();
    },
    'assistant/provider/test': async ({ id }) => {
      const { view } = await ownProvider(id);
      const cortex = await host.cortex();
      try {
        const result = await cortex.testProvider(view.projectId, id);
        const attempt = result.attempts.at(-1);
        return {
          ok: true,
          message: `${result.provider} (${result.model}) answered: "${result.text.trim().slice(0, 80)}"`,
          durationMs: attempt?.durationMs ?? null,
        };
      } catch (error) {
        // The Cortex's messages are scrubbed of keys; a failed test is an answer, not an error.
        if (error instanceof CockpitError) return { ok: false, message: error.message, durationMs: null };
        throw error;
      }
    },
    'assistant/provider/delete': async ({ id }) => {
      const { database, view } = await ownProvider(id);
      if (await host.confirmDelete(view)) await deleteProvider(database.db, await host.actor(), id);
      return state();
    },
  };
}

function providerView(p: ProviderView): AssistantState['providers'][number] {
  return {
    id: p.id,
    provider: p.provider,
    model: p.model,
    baseUrl: p.baseUrl,
    temperature: p.temperature,
    maxTokens: p.maxTokens,
    enabled: p.enabled,
    priority: p.priority,
    keyHint: p.keyHint,
  };
}

function conversationView(window: ContextWindow): AssistantState['conversation'] {
  return {
    messages: window.messages
      .filter((m) => m.role !== 'system')
      .map((m) => ({
        id: m.id,
        role: m.role as 'user' | 'assistant' | 'tool',
        content: m.content,
        tokens: m.tokens,
        at: m.at,
        ...(m.toolCalls?.length ? { toolCalls: m.toolCalls.map((c) => c.name) } : {}),
      })),
    currentTokens: window.currentTokens,
    maxTokens: window.maxTokens,
  };
}

const promptTokens = (c: CompletionResult) =>
  c.usage.inputTokens + c.usage.cacheReadInputTokens + c.usage.cacheCreationInputTokens;

function answerView(answer: string, steps: TurnStep[]): AssistantAnswerView {
  const completions = steps.flatMap((s) => (s.kind === 'completion' ? [s.completion] : []));
  const last = completions.at(-1)!;
  return {
    answer,
    provider: last.provider,
    model: last.model,
    inputTokens: completions.reduce((sum, c) => sum + promptTokens(c), 0),
    outputTokens: completions.reduce((sum, c) => sum + c.usage.outputTokens, 0),
    cost: sumCosts(completions.map((c) => c.cost)),
    savedCost: sumCosts(completions.map((c) => c.savedCost)),
    cached: completions.every((c) => c.cached),
    steps: steps.map((s): AssistantStepView =>
      s.kind === 'completion'
        ? {
            kind: 'completion',
            label: s.operationType,
            ok: true,
            detail: `${s.completion.provider} · ${s.completion.model}${s.completion.cached ? ' · prompt cache' : ''}`,
            inputTokens: promptTokens(s.completion),
            outputTokens: s.completion.usage.outputTokens,
            cost: s.completion.cost,
            savedCost: s.completion.savedCost,
          }
        : {
            kind: 'tool',
            label: s.tool,
            ok: s.ok,
            detail: s.result,
            inputTokens: 0,
            outputTokens: 0,
            cost: null,
            savedCost: null,
          },
    ),
  };
}
