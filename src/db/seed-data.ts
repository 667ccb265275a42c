/**
 * Rows every Cockpit database starts with. Ids are fixed so seeding is an idempotent upsert, and
 * seeding never overwrites a row the user has since edited.
 */

export const SEED_STANDARDS = [
  {
    id: 'ts-001-zulu',
    standardName: 'Timestamp Zulu Format',
    category: 'temporal',
    patternRegex: String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$`,
    validationMessage: 'Timestamp must use ISO 8601 format with Z suffix (e.g., 2026-01-01T14:30:45.123456Z)',
    enforcementLevel: 'error',
    appliesTo: null,
  },
  {
    id: 'nm-001-kebab-file',
    standardName: 'Kebab-case File Names',
    category: 'nomenclature',
    patternRegex: String.raw`^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*$`,
    validationMessage: 'File names use lower-case kebab-case (e.g., token-usage.ts)',
    enforcementLevel: 'warning',
    appliesTo: '@file',
  },
  {
    id: 'nm-002-kebab-name',
    standardName: 'Kebab-case Dashboard and Module Names',
    category: 'nomenclature',
    patternRegex: String.raw`^[a-z0-9]+(-[a-z0-9]+)*$`,
    validationMessage: 'Dashboard and module identifiers use lower-case kebab-case (e.g., my-dashboard)',
    enforcementLevel: 'info',
    appliesTo: 'name,*_name',
  },
  {
    id: 'vs-001-semver',
    standardName: 'Semantic Versioning 2.0.0',
    category: 'versioning',
    // The official regex from semver.org, with numbered instead of named groups (RE2 syntax).
    patternRegex: String.raw`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`,
    validationMessage: 'Versions follow SemVer 2.0.0 (MAJOR.MINOR.PATCH, e.g., 1.2.0)',
    enforcementLevel: 'error',
    appliesTo: null,
  },
] as const;

/** System guardrails (project_id NULL). `configuration.kind` selects the rule the Bin runs. */
export const SEED_GUARDRAILS = [
  {
    id: 'gr-sys-secret-scan',
    ruleId: 'secret-scan',
    description: 'Reject changes whose payload contains API keys, private keys or access tokens.',
    severity: 'CRITICAL',
    autoReject: true,
    configuration: { kind: 'secret_scan' },
  },
  {
    id: 'gr-sys-max-size',
    ruleId: 'max-payload-size',
    description: 'A change payload stays under 64 KiB.',
    severity: 'HIGH',
    autoReject: true,
    configuration: { kind: 'max_size', maxBytes: 65536 },
  },
  {
    id: 'gr-sys-protected-paths',
    ruleId: 'protected-paths',
    description: 'Changes must not touch git internals, environment files or private keys.',
    severity: 'CRITICAL',
    autoReject: true,
    configuration: { kind: 'protected_paths', globs: ['.git/**', '**/.env', '**/.env.*', '**/*.pem', '**/id_rsa*'] },
  },
  {
    id: 'gr-sys-no-destructive-command',
    ruleId: 'no-destructive-command',
    description: 'Warn about recursive deletes of absolute paths in a command payload.',
    severity: 'MEDIUM',
    autoReject: false,
    configuration: { kind: 'regex_deny', path: '$.command', pattern: String.raw`rm\s+-[a-zA-Z]*r[a-zA-Z]*f?\s+/` },
  },
] as const;

interface ModuleSpec {
  type: string;
  name: string;
  configuration: Record<string, unknown>;
}
interface DashboardSpec {
  name: string;
  description: string;
  modules: ModuleSpec[];
}
export interface WorkflowSpecification {
  profiles: Array<{ name: string; description: string; dashboards: DashboardSpec[] }>;
}

const checklist = (name: string, items: string[]): ModuleSpec => ({
  type: 'checklist',
  name,
  configuration: { items: items.map((text) => ({ text, done: false })) },
});
const decisionLog = (name: string): ModuleSpec => ({ type: 'decision_log', name, configuration: { entries: [] } });
const fileManager = (name: string): ModuleSpec => ({ type: 'file_manager', name, configuration: { files: [] } });

export const SEED_WORKFLOW_TEMPLATES: Array<{
  id: string;
  name: string;
  description: string;
  specification: WorkflowSpecification;
}> = [
  {
    id: 'tpl-vibe-coding',
    name: 'vibe_coding',
    description: 'Build with an AI pair: plan, ship, review, with decisions and key files at hand.',
    specification: {
      profiles: [
        {
          name: 'Builder',
          description: 'Day-to-day building with an AI assistant.',
          dashboards: [
            {
              name: 'Plan',
              description: 'What to build next and why.',
              modules: [
                checklist('Next steps', ['Describe the feature', 'Split it into tasks']),
                decisionLog('Decisions'),
              ],
            },
            {
              name: 'Ship',
              description: 'Getting a change out of the door.',
              modules: [
                checklist('Release checklist', ['Tests pass', 'Changelog written', 'Version bumped']),
                fileManager('Key files'),
              ],
            },
          ],
        },
        {
          name: 'Reviewer',
          description: 'Reviewing what the AI wrote.',
          dashboards: [
            {
              name: 'Review',
              description: 'Review queue and findings.',
              modules: [
                checklist('Review checklist', ['Read the diff', 'Run it locally']),
                decisionLog('Review notes'),
              ],
            },
          ],
        },
      ],
    },
  },
  {
    id: 'tpl-data-science',
    name: 'data_science',
    description: 'Experiments, datasets and findings.',
    specification: {
      profiles: [
        {
          name: 'Analyst',
          description: 'Exploring data and running experiments.',
          dashboards: [
            {
              name: 'Experiments',
              description: 'Hypotheses and their outcomes.',
              modules: [
                checklist('Experiment plan', ['State the hypothesis', 'Pick the metric']),
                decisionLog('Findings'),
              ],
            },
            { name: 'Data', description: 'Datasets and notebooks.', modules: [fileManager('Notebooks and datasets')] },
          ],
        },
      ],
    },
  },
  {
    id: 'tpl-note-taking',
    name: 'note_taking',
    description: 'Notes, references and decisions in one place.',
    specification: {
      profiles: [
        {
          name: 'Writer',
          description: 'Capturing and organising notes.',
          dashboards: [
            {
              name: 'Notes',
              description: 'Inbox and references.',
              modules: [checklist('Inbox', ['Capture ideas']), fileManager('Notes'), decisionLog('Decisions')],
            },
          ],
        },
      ],
    },
  },
];

const jsonSchema = (properties: Record<string, unknown>, required: string[]) => ({
  parameters: { type: 'object', properties, required, additionalProperties: false },
});

/** System tools: implemented inside the extension (`config.builtin`), parameters as JSON Schema. */
export const SEED_TOOLS = [
  {
    id: 'tool-read-workspace-file',
    name: 'read_workspace_file',
    category: 'file_ops',
    description: 'Read a text file inside the workspace folder (size-bounded).',
    implementationType: 'api',
    config: { builtin: 'read_workspace_file', ...jsonSchema({ path: { type: 'string', maxLength: 1024 } }, ['path']) },
    requiresCapability: null,
  },
  {
    id: 'tool-list-dashboards',
    name: 'list_dashboards',
    category: 'database',
    description: "List the project's profiles and dashboards, with the active one marked.",
    implementationType: 'database',
    config: { builtin: 'list_dashboards', ...jsonSchema({}, []) },
    requiresCapability: null,
  },
  {
    id: 'tool-submit-change',
    name: 'submit_bin_change',
    category: 'database',
    description: 'Submit a change to the Bin for validation and propagation.',
    implementationType: 'database',
    config: {
      builtin: 'submit_bin_change',
      ...jsonSchema({ changeType: { type: 'string', maxLength: 100 }, payload: { type: 'object' } }, [
        'changeType',
        'payload',
      ]),
    },
    requiresCapability: null,
  },
  {
    id: 'tool-query-token-usage',
    name: 'query_token_usage',
    category: 'database',
    description: "Summarise the project's token usage and cost over a period.",
    implementationType: 'database',
    config: {
      builtin: 'query_token_usage',
      ...jsonSchema({ days: { type: 'integer', minimum: 1, maximum: 365 } }, []),
    },
    requiresCapability: null,
  },
  {
    id: 'tool-git-log',
    name: 'git_log',
    category: 'git',
    description: 'Recent commits of the workspace repository, optionally for one path.',
    implementationType: 'api',
    config: {
      builtin: 'git_log',
      ...jsonSchema(
        { path: { type: 'string', maxLength: 1024 }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
        [],
      ),
    },
    requiresCapability: null,
  },
  {
    id: 'tool-write-workspace-file',
    name: 'write_workspace_file',
    category: 'file_ops',
    description: 'Write a text file inside the workspace folder.',
    implementationType: 'api',
    config: {
      builtin: 'write_workspace_file',
      ...jsonSchema({ path: { type: 'string', maxLength: 1024 }, content: { type: 'string', maxLength: 1048576 } }, [
        'path',
        'content',
      ]),
    },
    requiresCapability: 'file_write',
  },
] as const;
