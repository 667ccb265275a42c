/**
 * Renders the built Bin view (dist/webview/bin.js — needs `npm run build`) in headless Chromium
 * under the production CSP, with a fake VS Code host answering through the real request
 * dispatcher (test/support/webview-page.ts): what each tab shows, which requests each button
 * sends, host errors shown without losing input, hostile content rendered as text, state restored.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ChangeSummary } from '../../src/core/bin/index.js';
import { CockpitError } from '../../src/core/errors.js';
import type { BinChangesView, BinChangeView, BinComplianceView, BinRulesView } from '../../src/protocol.js';
import type { RequestHandlers } from '../../src/vscode/webview/dispatcher.js';
import { startWebviewHarness, waitFor, type WebviewHarness, type WebviewPage } from '../support/webview-page.js';

const HOSTILE = '<img src=x onerror="window.pwned=1">';

const summary = (id: string, patch: Partial<ChangeSummary> = {}): ChangeSummary => ({
  id,
  projectId: 'prj',
  changeType: 'decision.accepted',
  sourceModuleId: null,
  status: 'VALIDATED',
  awaitingApproval: false,
  propagationDue: false,
  summary: 'Validated.',
  dashboards: 1,
  highImpact: false,
  createdAt: '2026-11-27 10:00:00.000000',
  validatedAt: '2026-11-27 10:00:01.000000',
  propagatedAt: null,
  ...patch,
});

const changes: BinChangesView = {
  changes: [
    summary('c1', { awaitingApproval: true, summary: 'Validated with 1 warning(s): protected-paths.' }),
    summary('c2', { status: 'REJECTED', changeType: 'file.changed', summary: `Rejected by secret-scan (CRITICAL).` }),
    summary('c3', { status: 'PROPAGATED', dashboards: 5, highImpact: true }),
  ],
  more: false,
  counts: { byStatus: { PENDING: 0, VALIDATED: 1, REJECTED: 1, PROPAGATED: 1 }, onHold: 1, total: 3 },
  changeTypes: ['decision.accepted', 'file.changed'],
  modules: [{ id: 'm1', name: 'Decisions', dashboardName: 'Plan', projectName: 'Demo' }],
  projects: { prj: 'Demo' },
};

/** c1: waits for approval, one dashboard failed, one fixable violation (the view offers every action). */
const detail: BinChangeView = {
  change: {
    ...changes.changes[0]!,
    validationResults: {
      outcome: 'validated',
      requiresApproval: true,
      summary: 'Validated with 1 warning(s): protected-paths.',
      rules: [
        { type: 'guardrail', id: 'g1', name: 'secret-scan', status: 'pass', message: 'No credentials found.' },
        {
          type: 'guardrail',
          id: 'g2',
          name: 'protected-paths',
          status: 'warn',
          kind: 'protected_paths',
          severity: 'HIGH',
          message: `$.path touches the protected path "${HOSTILE}".`,
        },
        {
          type: 'standard',
          id: 's1',
          name: 'Timestamp Zulu Format',
          status: 'fail',
          level: 'error',
          message: 'Values must match: $.decided_at (fix: 2026-01-01T14:30:45Z).',
        },
      ],
    },
    impactAnalysis: {
      dashboards: [
        { id: 'd1', name: 'Plan', modules: [{ id: 'm1', name: 'Decisions', type: 'decision_log' }] },
        { id: 'd2', name: 'Ship', modules: [{ id: 'm2', name: 'Key files', type: 'file_manager' }] },
      ],
      dashboardCount: 2,
      moduleCount: 2,
      highImpact: false,
    },
    approvedBy: null,
    approvedAt: null,
    propagation: [
      {
        dashboardId: 'd1',
        propagationType: 'decision_log',
        status: 'SUCCESS',
        errorMessage: null,
        tokenCost: 0,
        durationMs: 4,
        attempts: 1,
        createdAt: '2026-11-27 10:00:02.000000',
        updatedAt: '2026-11-27 10:00:02.000000',
      },
      {
        dashboardId: 'd2',
        propagationType: 'file_manager',
        status: 'FAILED',
        errorMessage: 'Module "Key files" needs the file_write capability.',
        tokenCost: 0,
        durationMs: 2,
        attempts: 1,
        createdAt: '2026-11-27 10:00:02.000000',
        updatedAt: '2026-11-27 10:00:02.000000',
      },
    ],
    violations: [
      {
        id: 'v1',
        standardId: 's1',
        resourceType: 'sync_buffer',
        resourceId: 'c1#$.decided_at',
        violationValue: '2026-01-01 14:30:45',
        suggestedFix: '2026-01-01T14:30:45Z',
        status: 'open',
        detectedAt: '2026-11-27 10:00:01.000000',
      },
    ],
  },
  payload: {
    text: JSON.stringify({ title: HOSTILE, decided_at: '2026-01-01 14:30:45', token: '[REDACTED]' }, null, 2),
    chars: 120,
    truncated: false,
    masked: false,
  },
  standards: { s1: 'Timestamp Zulu Format' },
  projectName: 'Demo',
  estimate: { provider: 'anthropic', model: 'claude-sonnet-4-5', dashboards: 2, tokens: 12345, cost: '0.0412' },
};

const compliance: BinComplianceView = {
  compliance: [
    {
      standardId: 's4',
      category: 'versioning',
      standardName: 'Semantic Versioning 2.0.0',
      violationCount: 2,
      openViolations: 2,
      complianceRate: 0,
    },
    {
      standardId: 's1',
      category: 'temporal',
      standardName: 'Timestamp Zulu Format',
      violationCount: 3,
      openViolations: 1,
      complianceRate: 66.67,
    },
  ],
  violations: [
    {
      id: 'v9',
      standardId: 's4',
      standardName: 'Semantic Versioning 2.0.0',
      category: 'versioning',
      resourceType: 'tag',
      resourceId: 'v1.2',
      violationValue: 'v1.2',
      suggestedFix: 'v1.2.0',
      status: 'open',
      detectedAt: '2026-11-27 09:00:00.000000',
      resolvedAt: null,
      resolvedBy: null,
    },
  ],
  highImpact: [
    { changeId: 'c3', changeType: 'decision.accepted', affectedDashboards: 5, totalTokenCost: 0, avgDurationMs: 3.4 },
  ],
  days: 7,
};

const rules: BinRulesView = {
  standards: [
    {
      id: 's1',
      standardName: 'Timestamp Zulu Format',
      category: 'temporal',
      patternRegex: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
      validationMessage: null,
      enforcementLevel: 'error',
      isActive: true,
      appliesTo: null,
    },
  ],
  guardrails: [
    {
      id: 'g1',
      projectId: null,
      projectName: null,
      ruleId: 'secret-scan',
      description: 'No credentials in payloads',
      severity: 'CRITICAL',
      autoReject: true,
      configuration: { kind: 'secret_scan' },
      configurationText: '{\n  "kind": "secret_scan"\n}',
      enabled: true,
    },
  ],
  projects: [{ id: 'prj', name: 'Demo' }],
};

describe('The Bin webview in headless Chromium', () => {
  let harness: WebviewHarness;
  let view: WebviewPage;
  let page: Page;
  let received: WebviewPage['received'];
  let handlers: RequestHandlers;

  before(async () => {
    harness = await startWebviewHarness({ view: 'bin' });
  });
  after(() => harness?.close());

  beforeEach(() => {
    handlers = {
      'view/ready': () => ({ view: 'bin' }),
      'bin/changes': () => changes,
      'bin/change': ({ id }) => ({ ...detail, change: { ...detail.change, id } }),
      'bin/compliance': () => compliance,
      'bin/rules': () => rules,
    };
  });

  async function open(state?: unknown, overrides: Partial<RequestHandlers> = {}): Promise<void> {
    view = await harness.open({ ...handlers, ...overrides } as RequestHandlers, state);
    ({ page, received } = view);
  }
  const app = () => page.locator('bin-app');
  const sent = (method: string) => received.filter((r) => r.method === method).map((r) => r.params);
  const noViolations = async () => {
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined, 'no injected script ran');
    assert.deepEqual(view.violations, []);
  };

  it('renders the changes by status and a selected change: validation, impact, propagation log, payload', async () => {
    await open();
    await app().locator('tr.change').first().waitFor();
    assert.equal(await app().locator('tr.change').count(), 3);
    assert.match(await app().locator('button.status-all').innerText(), /All\s+3/);
    assert.match(await app().locator('button.status-REJECTED').innerText(), /REJECTED\s+1/);
    assert.match(await app().locator('button.status-VALIDATED').innerText(), /VALIDATED\s+1\s+1 on hold/);
    assert.match(await app().locator('tr.change[data-id="c1"]').innerText(), /awaiting approval/);
    assert.match(await app().locator('tr.change[data-id="c3"]').innerText(), /5\s+high/);

    await app().locator('tr.change[data-id="c1"]').click();
    await app().locator('article.detail').waitFor();
    assert.deepEqual(sent('bin/change'), [{ id: 'c1' }]);
    const verdicts = await app().locator('table.rules td.verdict').allInnerTexts();
    assert.deepEqual(verdicts, ['pass', 'warn', 'fail']);
    assert.match(await app().locator('table.rules').innerText(), /touches the protected path "<img src=x/);
    assert.match(await app().locator('table.change-violations').innerText(), /Timestamp Zulu Format\s+\$\.decided_at/);
    assert.match(await app().locator('p.impact-summary').innerText(), /2 dashboard\(s\), 2 module\(s\)/);
    assert.deepEqual(await app().locator('table.propagation td.verdict').allInnerTexts(), ['SUCCESS', 'FAILED']);
    assert.match(await app().locator('table.propagation').innerText(), /Ship[\s\S]*needs the file_write capability/);
    assert.match(await app().locator('pre.payload').innerText(), /"title": "<img src=x onerror=/);
    assert.equal(await app().locator('pre.payload img').count(), 0, 'payload text is never parsed as HTML');
    await noViolations();
  });

  it('sends approve, reject (with the reason), retry and apply-fix requests for the selected change', async () => {
    handlers['bin/approve'] = () => ({ ok: true });
    handlers['bin/reject'] = () => ({ ok: true });
    handlers['bin/retry'] = () => ({ dashboards: 1 });
    handlers['bin/fix'] = () => ({ id: 'c9', fixed: 1 });
    await open({ selectedId: 'c1' });
    assert.equal(
      (await app().locator('.estimate').innerText()).replace(/\s+/g, ' '),
      'Propagating with AI (anthropic claude-sonnet-4-5) to 2 dashboard(s) is estimated at 12,345 tokens, $0.0412.',
      'the AI cost is shown before the approval',
    );
    await app().locator('button.approve').click();
    await waitFor(() => sent('bin/approve').length === 1);
    await app().locator('button.retry').click();
    await waitFor(() => sent('bin/retry').length === 1);
    assert.equal(await app().locator('button.reject').isDisabled(), true, 'no reject without a reason');
    await app().locator('input[name="reason"]').fill('Touches protected files');
    await app().locator('button.reject').click();
    await waitFor(() => sent('bin/reject').length === 1);
    await app().locator('button.fix').click();
    await waitFor(() => sent('bin/fix').length === 1);
    await app().locator('p.notice').waitFor();
    assert.deepEqual(sent('bin/approve'), [{ id: 'c1' }]);
    assert.deepEqual(sent('bin/retry'), [{ id: 'c1' }]);
    assert.deepEqual(sent('bin/reject'), [{ id: 'c1', reason: 'Touches protected files' }]);
    assert.deepEqual(sent('bin/fix'), [{ id: 'c1' }]);
    assert.match(await app().locator('p.notice').innerText(), /Resubmitted with 1 fix\(es\)/);
    await waitFor(() => (view.savedState as { selectedId?: string })?.selectedId === 'c9');
    assert.equal((view.savedState as { rejectReason: string }).rejectReason, '', 'cleared after the reject succeeded');
    await noViolations();
  });

  it('shows a refused action in the banner and keeps the typed reason', async () => {
    handlers['bin/reject'] = () => {
      throw new CockpitError('conflict', 'Change c1 is being processed by a worker right now; try again in a moment.');
    };
    await open({ selectedId: 'c1' });
    await app().locator('input[name="reason"]').fill('Not now');
    await app().locator('button.reject').click();
    await app().locator('.banner.error').waitFor();
    assert.match(await app().locator('.banner.error').innerText(), /being processed by a worker/);
    assert.equal(await app().locator('input[name="reason"]').inputValue(), 'Not now');
    assert.equal((view.savedState as { rejectReason: string }).rejectReason, 'Not now');
    await noViolations();
  });

  it('filters by status, type, source and text, and restores tab, filters and selection after a reload', async () => {
    await open();
    await app().locator('tr.change').first().waitFor();
    await app().locator('button.status-VALIDATED').click();
    await app().locator('select[name="changeType"]').selectOption('file.changed');
    await app().locator('select[name="sourceModule"]').selectOption('m1');
    await app().locator('input[name="text"]').fill('TiDB 100%');
    await waitFor(() => sent('bin/changes').some((p) => (p as { text?: string }).text === 'TiDB 100%'));
    assert.deepEqual(sent('bin/changes').at(-1), {
      status: 'VALIDATED',
      changeType: 'file.changed',
      sourceModuleId: 'm1',
      text: 'TiDB 100%',
    });
    await app().locator('tr.change[data-id="c2"]').click();
    await waitFor(() => sent('bin/change').length > 0);

    const state = await view.currentState();
    await page.close();
    await open(state);
    await app().locator('article.detail').waitFor();
    assert.deepEqual(sent('bin/changes')[0], {
      status: 'VALIDATED',
      changeType: 'file.changed',
      sourceModuleId: 'm1',
      text: 'TiDB 100%',
    });
    assert.deepEqual(sent('bin/change'), [{ id: 'c2' }]);
    assert.equal(await app().locator('input[name="text"]').inputValue(), 'TiDB 100%');
    assert.equal(await app().locator('select[name="changeType"]').inputValue(), 'file.changed');
    assert.equal(await app().locator('button.status-VALIDATED').getAttribute('aria-pressed'), 'true');

    // A state saved by some other version (unknown tab and status) falls back to defaults.
    await page.close();
    await open({ tab: 'admin', status: 'DELETED' });
    await app().locator('tr.change').first().waitFor();
    assert.deepEqual(sent('bin/changes')[0], {});
    await noViolations();
  });

  it('pages to older changes and back, keeps the page over a reload, and a filter returns to the newest', async () => {
    // Two pages: c1–c3, then c4; the host says whether an older page exists.
    const older: BinChangesView = { ...changes, changes: [summary('c4', { createdAt: '2026-11-26 09:00:00.000000' })] };
    await open(undefined, {
      'bin/changes': (params) => ((params as { before?: unknown }).before ? older : { ...changes, more: true }),
    });
    await app().locator('tr.change').first().waitFor();
    assert.equal(await app().locator('button.newer').isDisabled(), true);
    await app().locator('button.older').click();
    await app().locator('tr.change[data-id="c4"]').waitFor();
    assert.deepEqual(sent('bin/changes').at(-1), { before: { createdAt: '2026-11-27 10:00:00.000000', id: 'c3' } });
    assert.equal(await app().locator('button.older').isDisabled(), true);
    assert.match(await app().locator('.pager').innerText(), /page 2/);

    const state = await view.currentState();
    await page.close();
    await open(state, { 'bin/changes': (params) => ((params as { before?: unknown }).before ? older : changes) });
    await app().locator('tr.change[data-id="c4"]').waitFor();
    await app().locator('button.newer').click();
    await app().locator('tr.change[data-id="c1"]').waitFor();
    assert.deepEqual(sent('bin/changes').at(-1), {});

    await app().locator('button.older').waitFor({ state: 'detached' });
    await page.close();
    await open(state, { 'bin/changes': (params) => ((params as { before?: unknown }).before ? older : changes) });
    await app().locator('tr.change[data-id="c4"]').waitFor();
    await app().locator('button.status-VALIDATED').click();
    await waitFor(() => (sent('bin/changes').at(-1) as { status?: string }).status === 'VALIDATED');
    assert.deepEqual(sent('bin/changes').at(-1), { status: 'VALIDATED' });
    await noViolations();
  });

  it('refetches when the host says the Bin changed, and ignores malformed messages', async () => {
    await open();
    await app().locator('tr.change').first().waitFor();
    const before = sent('bin/changes').length;
    await view.post({ kind: 'notification', method: 'data/changed', params: { reason: 'bin' } });
    await waitFor(() => sent('bin/changes').length === before + 1);
    for (const junk of [null, 42, 'x', { kind: 'response', id: 999, ok: true }, { kind: 'notification', method: 'x' }])
      await view.post(junk);
    assert.equal(await app().locator('tr.change').count(), 3);
    await noViolations();
  });

  it('says so when the selected change is gone, and still lists the others', async () => {
    handlers['bin/change'] = ({ id }) => {
      throw new CockpitError('not-found', `Change ${id} does not exist.`);
    };
    await open({ selectedId: 'gone' });
    await app().locator('.detail-error').waitFor();
    assert.equal(await app().locator('.detail-error').innerText(), 'Change gone does not exist.');
    assert.equal(await app().locator('tr.change').count(), 3);
    assert.deepEqual(view.violations, []);
  });

  it('renders compliance, violations and the high-impact report; resolve and suppress send requests', async () => {
    handlers['bin/violation'] = () => ({ ok: true });
    await open({ tab: 'compliance' });
    await app().locator('table.compliance').waitFor();
    assert.deepEqual(sent('bin/compliance')[0], { violationStatus: 'open' });
    assert.match(await app().locator('table.compliance').innerText(), /Semantic Versioning 2\.0\.0[\s\S]*0\.00 %/);
    assert.match(await app().locator('table.compliance').innerText(), /66\.67 %/);
    assert.match(await app().locator('table.violations').innerText(), /tag v1\.2\s+v1\.2 → v1\.2\.0/);
    assert.match(await app().locator('table.high-impact-report').innerText(), /decision\.accepted[\s\S]*5\s+0\s+3/);
    await app().locator('tr.violation button.suppress').click();
    await waitFor(() => sent('bin/violation').length === 1);
    await app().locator('tr.violation button.resolve').click();
    await waitFor(() => sent('bin/violation').length === 2);
    assert.deepEqual(sent('bin/violation'), [
      { id: 'v9', status: 'suppressed' },
      { id: 'v9', status: 'resolved' },
    ]);
    await app().locator('select[name="violationStatus"]').selectOption('suppressed');
    await waitFor(() =>
      sent('bin/compliance').some((p) => (p as { violationStatus?: string }).violationStatus === 'suppressed'),
    );
    await app().locator('button.open-change').click();
    await waitFor(() => sent('bin/change').length === 1);
    assert.deepEqual(sent('bin/change'), [{ id: 'c3' }]);
    await noViolations();
  });

  it('edits standards with a live re2js verdict from the host, keeps the draft when saving fails', async () => {
    handlers['bin/validatePattern'] = ({ pattern, sample }) =>
      pattern.includes('\\1')
        ? { ok: false, message: 'patternRegex: the pattern "(a)\\1" cannot be used (invalid escape).' }
        : { ok: true, matches: new RegExp(pattern).test(sample) };
    handlers['bin/saveStandard'] = (params) => {
      if (params.id) return { ...rules.standards[0]!, isActive: params.isActive ?? true };
      throw new CockpitError('conflict', 'A standard named "Tickets" already exists.', 'standardName');
    };
    await open({ tab: 'rules' });
    await app().locator('table.standards').waitFor();
    await app().locator('tr.standard input.toggle').uncheck();
    await waitFor(() => sent('bin/saveStandard').length === 1);
    assert.deepEqual(sent('bin/saveStandard')[0], { id: 's1', isActive: false });

    await app().locator('button.new-standard').click();
    await app().locator('input[name="standardName"]').fill('Tickets');
    await app().locator('input[name="patternRegex"]').fill('(a)\\1');
    await app().locator('.pattern-check.field-error').waitFor();
    assert.match(await app().locator('.pattern-check').innerText(), /cannot be used/);
    await app().locator('input[name="patternRegex"]').fill('^[A-Z]+-\\d+$');
    await app().locator('input[name="sample"]').fill('CP-12');
    await waitFor(() => sent('bin/validatePattern').some((p) => (p as { sample: string }).sample === 'CP-12'));
    await app().locator('.pattern-check', { hasText: 'accepts the sample' }).waitFor();
    await app().locator('select[name="enforcementLevel"]').selectOption('error');
    await app().locator('button.save-standard').click();
    await app().locator('.banner.error').waitFor();
    assert.deepEqual(sent('bin/saveStandard')[1], {
      standardName: 'Tickets',
      category: 'nomenclature',
      patternRegex: '^[A-Z]+-\\d+$',
      enforcementLevel: 'error',
      isActive: true,
      validationMessage: null,
      appliesTo: null,
    });
    assert.match(await app().locator('.banner.error').innerText(), /already exists/);
    const draft = (view.savedState as { standardDraft: { standardName: string } }).standardDraft;
    assert.equal(draft.standardName, 'Tickets', 'the draft survives the failure (and a reload)');
    await noViolations();
  });

  it('puts a toggle back when the host refuses it', async () => {
    handlers['bin/saveGuardrail'] = () => {
      throw new CockpitError('invalid', 'configuration: the stored rule is unusable; edit it first.', 'configuration');
    };
    await open({ tab: 'rules' });
    const toggle = app().locator('tr.guardrail input.toggle');
    await toggle.click(); // not uncheck(): the refused toggle flips back before Playwright looks
    await app().locator('.banner.error').waitFor();
    assert.deepEqual(sent('bin/saveGuardrail'), [{ id: 'g1', enabled: false }]);
    assert.match(await app().locator('.banner.error').innerText(), /edit it first/);
    assert.equal(await toggle.isChecked(), true, 'the checkbox shows what is stored');
    assert.deepEqual(view.violations, []);
  });

  it('edits guardrails: JSON checked as typed, pattern checked by the host, save sends the text', async () => {
    handlers['bin/validatePattern'] = () => ({ ok: true, matches: false });
    handlers['bin/saveGuardrail'] = () => ({ ...rules.guardrails[0]!, id: 'g2' });
    await open({ tab: 'rules' });
    await app().locator('table.guardrails').waitFor();
    assert.match(
      await app().locator('tr.guardrail').innerText(),
      /secret-scan[\s\S]*all projects\s+secret_scan\s+CRITICAL\s+yes/,
    );
    await app().locator('button.new-guardrail').click();
    await app().locator('input[name="ruleId"]').fill('no-wip');
    await app().locator('input[name="description"]').fill('No WIP titles');
    await app().locator('select[name="projectId"]').selectOption('prj');
    await app().locator('textarea[name="configuration"]').fill('{ "kind": ');
    await app().locator('.config-check.field-error').waitFor();
    assert.equal(await app().locator('button.save-guardrail').isDisabled(), true);
    const config = '{"kind":"regex_deny","path":"$.title","pattern":"(?i)wip"}';
    await app().locator('textarea[name="configuration"]').fill(config);
    await waitFor(() => sent('bin/validatePattern').some((p) => (p as { pattern: string }).pattern === '(?i)wip'));
    await app().locator('button.save-guardrail').click();
    await waitFor(() => sent('bin/saveGuardrail').length === 1);
    assert.deepEqual(sent('bin/saveGuardrail')[0], {
      projectId: 'prj',
      ruleId: 'no-wip',
      description: 'No WIP titles',
      severity: 'MEDIUM',
      autoReject: false,
      enabled: true,
      configuration: config,
    });
    await app().locator('p.notice').waitFor();
    assert.equal((view.savedState as { guardrailDraft: unknown }).guardrailDraft, null);
    await noViolations();
  });
});
