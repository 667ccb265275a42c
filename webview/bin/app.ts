/**
 * The Bin view: changes by status with their payload, validation results, impact and propagation
 * log (approve / reject / retry / apply fixes); compliance, violations and high-impact changes;
 * standards and guardrails editing with patterns checked live by the host (re2js stays out of
 * this bundle). No business logic: every decision is the host's, every failure shows in the banner.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ChangeStatus, ChangeSummary, RuleResult, StandardRow } from '../../src/core/bin/index.js';
import type {
  BinChangesView,
  BinChangeView,
  BinComplianceView,
  BinRulesView,
  RequestMethod,
  RequestParams,
  RequestResults,
} from '../../src/protocol.js';
import { HostClient, RequestError } from '../shared/client.js';
import { PersistentState } from '../shared/state.js';
import { baseStyles } from '../shared/styles.js';
import { vscodeApi } from '../shared/vscode-api.js';
import { binStyles } from './styles.js';

type Tab = 'changes' | 'compliance' | 'rules';
type PatternCheck = RequestResults['bin/validatePattern'];
type ViolationStatus = 'open' | 'resolved' | 'suppressed';

export interface StandardDraft {
  id?: string;
  standardName: string;
  category: StandardRow['category'];
  patternRegex: string;
  validationMessage: string;
  enforcementLevel: StandardRow['enforcementLevel'];
  isActive: boolean;
  appliesTo: string;
  /** A value to try the pattern on (not saved). */
  sample: string;
}

export interface GuardrailDraft {
  id?: string;
  projectId: string;
  ruleId: string;
  description: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  autoReject: boolean;
  enabled: boolean;
  configuration: string;
}

/** What survives a reload: tab, filters, selection and unsaved drafts. */
export interface Saved {
  tab: Tab;
  status: ChangeStatus | '';
  changeType: string;
  sourceModuleId: string;
  text: string;
  /** Where each older page of the list starts (empty: the newest page); reset by any filter. */
  pages: Array<{ createdAt: string; id: string }>;
  selectedId: string;
  rejectReason: string;
  violationStatus: ViolationStatus | '';
  standardDraft: StandardDraft | null;
  guardrailDraft: GuardrailDraft | null;
}

const DEFAULTS: Saved = {
  tab: 'changes',
  status: '',
  changeType: '',
  sourceModuleId: '',
  text: '',
  pages: [],
  selectedId: '',
  rejectReason: '',
  violationStatus: 'open',
  standardDraft: null,
  guardrailDraft: null,
};

const api = vscodeApi<Saved>();
const host = new HostClient(api);
const saved = new PersistentState<Saved>(api, DEFAULTS);

const TABS: Array<[Tab, string]> = [
  ['changes', 'Changes'],
  ['compliance', 'Compliance'],
  ['rules', 'Standards & guardrails'],
];
const STATUSES: ChangeStatus[] = ['PENDING', 'VALIDATED', 'REJECTED', 'PROPAGATED'];

const NEW_STANDARD: StandardDraft = {
  standardName: '',
  category: 'nomenclature',
  patternRegex: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  validationMessage: '',
  enforcementLevel: 'warning',
  isActive: true,
  appliesTo: '',
  sample: '',
};
const NEW_GUARDRAIL: GuardrailDraft = {
  projectId: '',
  ruleId: '',
  description: '',
  severity: 'MEDIUM',
  autoReject: false,
  enabled: true,
  configuration: '{\n  "kind": "regex_deny",\n  "path": "$.title",\n  "pattern": "(?i)wip"\n}',
};

const time = (at: string | null) => (at ? at.replace('T', ' ').slice(0, 19) : '—');
const inputValue = (e: Event) => (e.target as HTMLInputElement).value;
const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/** Only tabs and statuses this version knows: a state saved by another version cannot break the view. */
function sanitize(value: Readonly<Saved>): Saved {
  return {
    ...value,
    tab: TABS.some(([t]) => t === value.tab) ? value.tab : 'changes',
    status: STATUSES.includes(value.status as ChangeStatus) ? value.status : '',
    pages: Array.isArray(value.pages)
      ? value.pages.filter((p) => typeof p?.createdAt === 'string' && typeof p?.id === 'string')
      : [],
  };
}

@customElement('bin-app')
export class BinApp extends LitElement {
  static override styles = [baseStyles, binStyles];

  @state() private s: Saved = sanitize(saved.value);
  @state() private changes: BinChangesView | undefined;
  @state() private detail: BinChangeView | undefined;
  @state() private detailError = '';
  @state() private compliance: BinComplianceView | undefined;
  @state() private rules: BinRulesView | undefined;
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;
  /** Live verdicts on the patterns being edited (standard, guardrail configuration): the host's re2js. */
  @state() private standardCheck: PatternCheck | undefined;
  @state() private guardrailCheck: PatternCheck | undefined;
  @state() private configProblem = '';
  private textTimer: number | undefined;
  private patternTimer: number | undefined;
  private generation = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('data/changed', () => void this.refresh());
    void host.request('view/ready', {}).then(() => this.refresh());
    if (this.s.standardDraft) this.checkStandardPattern(this.s.standardDraft);
    if (this.s.guardrailDraft) this.checkConfiguration(this.s.guardrailDraft.configuration);
  }

  private save(patch: Partial<Saved>, refetch = false): void {
    this.s = { ...this.s, ...patch };
    saved.update(this.s);
    if (refetch) void this.refresh();
  }

  /** A new filter shows its newest page. */
  private filter(patch: Partial<Saved>): void {
    this.save({ ...patch, pages: [] }, true);
  }

  private fail(error: unknown): void {
    this.error = error instanceof RequestError || error instanceof Error ? error.message : String(error);
  }

  /** Refetches what the current tab shows; an answer to an older refresh is dropped. */
  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    try {
      if (this.s.tab === 'changes') {
        const { status, changeType, sourceModuleId, text, pages, selectedId } = this.s;
        const before = pages.at(-1);
        const [changes, detail] = await Promise.all([
          host.request('bin/changes', {
            ...(status ? { status } : {}),
            ...(changeType ? { changeType } : {}),
            ...(sourceModuleId ? { sourceModuleId } : {}),
            ...(text.trim() ? { text: text.trim() } : {}),
            ...(before ? { before } : {}),
          }),
          // A selected change that is gone (or unreachable) says so in its pane; the list still shows.
          selectedId ? host.request('bin/change', { id: selectedId }).catch((error: Error) => error) : undefined,
        ]);
        if (generation !== this.generation) return;
        this.changes = changes;
        this.detail = detail instanceof Error ? undefined : detail;
        this.detailError = detail instanceof Error ? detail.message : '';
      } else if (this.s.tab === 'compliance') {
        const result = await host.request('bin/compliance', {
          ...(this.s.violationStatus ? { violationStatus: this.s.violationStatus } : {}),
        });
        if (generation !== this.generation) return;
        this.compliance = result;
      } else {
        const result = await host.request('bin/rules', {});
        if (generation !== this.generation) return;
        this.rules = result;
      }
      this.error = '';
    } catch (error) {
      if (generation === this.generation) this.fail(error);
    }
  }

  /** Runs an action; on success applies `after`'s state patch and refreshes, on failure keeps everything. */
  private async run<M extends RequestMethod>(
    method: M,
    params: RequestParams<M>,
    after?: (result: RequestResults[M]) => Partial<Saved> | void,
  ): Promise<boolean> {
    this.busy = true;
    try {
      const result = await host.request(method, params);
      this.error = '';
      const patch = after?.(result);
      if (patch) this.save(patch);
      await this.refresh();
      return true;
    } catch (error) {
      this.notice = '';
      this.fail(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** A checkbox that saves at once; refused, it shows the stored value again. */
  private async toggle<M extends 'bin/saveStandard' | 'bin/saveGuardrail'>(
    e: Event,
    method: M,
    params: (on: boolean) => RequestParams<M>,
  ): Promise<void> {
    const box = e.target as HTMLInputElement;
    if (!(await this.run(method, params(box.checked)))) box.checked = !box.checked;
  }

  protected override render(): TemplateResult {
    return html`
      <header>
        <h1>The Bin</h1>
        <nav class="tabs" role="tablist" aria-label="Bin views">
          ${TABS.map(
            ([tab, label]) =>
              html`<button
                role="tab"
                class="tab-${tab}"
                aria-selected=${this.s.tab === tab}
                @click=${() => this.save({ tab }, true)}
              >
                ${label}
              </button>`,
          )}
        </nav>
        <button class="refresh" @click=${() => void this.refresh()}>Refresh</button>
      </header>
      ${this.error ? html`<p class="banner error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="muted notice" role="status">${this.notice}</p>` : nothing}
      ${this.s.tab === 'changes' ? this.changesTab() : this.s.tab === 'compliance' ? this.complianceTab() : this.rulesTab()}
    `;
  }

  // ── Changes ──────────────────────────────────────────────────────────────────────────────────

  private changesTab(): TemplateResult {
    const view = this.changes;
    if (!view) return html`<p class="muted" role="status">Loading the Bin…</p>`;
    const counts = view.counts;
    return html`
      <div class="statuses" role="group" aria-label="Status">
        <button class="status-all" aria-pressed=${this.s.status === ''} @click=${() => this.filter({ status: '' })}>
          All <span class="badge">${counts.total}</span>
        </button>
        ${STATUSES.map(
          (status) =>
            html`<button
              class="status-${status}"
              aria-pressed=${this.s.status === status}
              @click=${() => this.filter({ status })}
            >
              ${status} <span class="badge">${counts.byStatus[status]}</span>
              ${
                status === 'VALIDATED' && counts.onHold > 0
                  ? html`<span class="muted on-hold">${counts.onHold} on hold</span>`
                  : nothing
              }
            </button>`,
        )}
      </div>
      <div class="filters">
        <label
          >Type
          <select name="changeType" @change=${(e: Event) => this.filter({ changeType: inputValue(e) })}>
            <option value="" ?selected=${this.s.changeType === ''}>All types</option>
            ${view.changeTypes.map((t) => html`<option value=${t} ?selected=${this.s.changeType === t}>${t}</option>`)}
          </select></label
        >
        <label
          >Source
          <select name="sourceModule" @change=${(e: Event) => this.filter({ sourceModuleId: inputValue(e) })}>
            <option value="" ?selected=${this.s.sourceModuleId === ''}>All sources</option>
            ${view.modules.map(
              (m) =>
                html`<option value=${m.id} ?selected=${this.s.sourceModuleId === m.id}>
                  ${m.name} (${m.dashboardName} · ${m.projectName})
                </option>`,
            )}
          </select></label
        >
        <input
          type="search"
          name="text"
          placeholder="Filter by id, type or payload text"
          maxlength="200"
          .value=${this.s.text}
          @input=${(e: Event) => {
            this.save({ text: inputValue(e), pages: [] });
            window.clearTimeout(this.textTimer);
            this.textTimer = window.setTimeout(() => void this.refresh(), 300);
          }}
        />
      </div>
      <div class="layout">
        <section aria-label="Changes">${this.changeList(view)}</section>
        <section aria-label="Selected change">${this.changeDetail()}</section>
      </div>
    `;
  }

  private changeList(view: BinChangesView): TemplateResult {
    const { pages } = this.s;
    const last = view.changes.at(-1);
    const pager =
      pages.length > 0 || view.more
        ? html`<nav class="pager" aria-label="Pages">
            <button class="newest" ?disabled=${pages.length === 0} @click=${() => this.save({ pages: [] }, true)}>
              Newest
            </button>
            <button
              class="newer"
              ?disabled=${pages.length === 0}
              @click=${() => this.save({ pages: pages.slice(0, -1) }, true)}
            >
              Newer
            </button>
            <span class="muted">page ${pages.length + 1}</span>
            <button
              class="older"
              ?disabled=${!view.more || !last}
              @click=${() => last && this.save({ pages: [...pages, { createdAt: last.createdAt, id: last.id }] }, true)}
            >
              Older
            </button>
          </nav>`
        : nothing;
    if (view.changes.length === 0)
      return html`<p class="empty">
          No change matches. Changes arrive from module edits, watched files, other extensions and
          <code>cockpit bin submit</code>.
        </p>
        ${pager}`;
    return html`${this.changeTable(view)}${pager}`;
  }

  private changeTable(view: BinChangesView): TemplateResult {
    return html`<table class="changes">
      <thead>
        <tr>
          <th>Type</th>
          <th>Status</th>
          <th class="num">Dashboards</th>
          <th>Created (UTC)</th>
        </tr>
      </thead>
      <tbody>
        ${view.changes.map((c) => this.changeRow(c, view.projects[c.projectId]))}
      </tbody>
    </table>`;
  }

  private changeRow(c: ChangeSummary, project: string | undefined): TemplateResult {
    const select = () => {
      this.save({ selectedId: c.id, rejectReason: this.s.selectedId === c.id ? this.s.rejectReason : '' });
      void this.refresh();
    };
    return html`<tr
      class="change ${this.s.selectedId === c.id ? 'selected' : ''}"
      data-id=${c.id}
      tabindex="0"
      aria-selected=${this.s.selectedId === c.id}
      @click=${select}
      @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && select()}
    >
      <td>
        ${c.changeType}
        <div class="muted">${project ?? c.projectId}${c.summary ? html` · ${c.summary}` : nothing}</div>
      </td>
      <td>${c.status}${c.awaitingApproval ? html` <span class="badge">awaiting approval</span>` : nothing}</td>
      <td class="num">
        ${c.dashboards}${c.highImpact ? html` <span class="high-impact" title="More than 3 dashboards">high</span>` : nothing}
      </td>
      <td>${time(c.createdAt)}</td>
    </tr>`;
  }

  private changeDetail(): TemplateResult {
    if (!this.s.selectedId) return html`<p class="muted">Select a change to see its payload and results.</p>`;
    const view = this.detail;
    if (this.detailError) return html`<p class="empty detail-error">${this.detailError}</p>`;
    if (!view || view.change.id !== this.s.selectedId) return html`<p class="muted">Loading the change…</p>`;
    const c = view.change;
    const failed = c.propagation.filter((p) => p.status === 'FAILED').length;
    const fixable = c.violations.filter((v) => v.status === 'open' && v.suggestedFix !== null).length;
    const canReject = c.status === 'PENDING' || c.status === 'VALIDATED';
    return html`<article class="detail">
      <h2>${c.changeType} <span class="badge">${c.status}</span></h2>
      <p class="muted">
        ${c.id} · ${view.projectName ?? c.projectId} · created ${time(c.createdAt)}
        ${c.approvedBy ? html` · approved by ${c.approvedBy} ${time(c.approvedAt)}` : nothing}
      </p>
      ${c.summary ? html`<p class="summary">${c.summary}</p>` : nothing}
      <div class="actions">
        ${
          c.awaitingApproval
            ? html`<button
                class="primary approve"
                ?disabled=${this.busy}
                @click=${() => this.run('bin/approve', { id: c.id })}
              >
                Approve
              </button>`
            : nothing
        }
        ${
          c.awaitingApproval && view.estimate
            ? html`<span class="estimate"
                >Propagating with AI (${view.estimate.provider} ${view.estimate.model}) to ${view.estimate.dashboards}
                dashboard(s) is estimated at ${view.estimate.tokens.toLocaleString('en-US')} tokens,
                ${view.estimate.cost === null ? 'unpriced model' : `$${view.estimate.cost}`}.</span
              >`
            : nothing
        }
        ${
          failed > 0 && !c.propagationDue
            ? html`<button class="retry" ?disabled=${this.busy} @click=${() => this.run('bin/retry', { id: c.id })}>
                Retry ${failed} failed dashboard(s)
              </button>`
            : nothing
        }
        ${
          fixable > 0
            ? html`<button
                class="fix"
                ?disabled=${this.busy}
                @click=${() =>
                  this.run('bin/fix', { id: c.id }, (r) => {
                    this.notice = `Resubmitted with ${r.fixed} fix(es) as a new change.`;
                    return { selectedId: r.id, rejectReason: '' };
                  })}
              >
                Apply ${fixable} suggested fix(es) and resubmit
              </button>`
            : nothing
        }
      </div>
      ${
        canReject
          ? html`<div class="actions">
              <input
                name="reason"
                placeholder="Why reject this change?"
                maxlength="2000"
                .value=${this.s.rejectReason}
                @input=${(e: Event) => this.save({ rejectReason: inputValue(e) })}
              />
              <button
                class="reject"
                ?disabled=${this.busy || !this.s.rejectReason.trim()}
                @click=${() => this.run('bin/reject', { id: c.id, reason: this.s.rejectReason }, () => ({ rejectReason: '' }))}
              >
                Reject
              </button>
            </div>`
          : nothing
      }
      <h3>Validation</h3>
      ${this.validation(c.validationResults?.rules ?? null)} ${this.changeViolations(view)}
      <h3>Impact</h3>
      ${this.impact(view)}
      <h3>Propagation log</h3>
      ${this.propagation(view)}
      <h3>Payload</h3>
      ${
        view.payload.masked
          ? html`<p class="muted masked">Not validated yet: credentials are masked for display.</p>`
          : nothing
      }
      <pre class="payload">${view.payload.text}</pre>
      ${
        view.payload.truncated
          ? html`<p class="muted truncated">
              Showing the first part of ${view.payload.chars.toLocaleString('en-US')} characters; see
              <code>cockpit bin show ${c.id} --json</code> for all.
            </p>`
          : nothing
      }
    </article>`;
  }

  private validation(rules: RuleResult[] | null): TemplateResult {
    if (!rules) return html`<p class="muted">Not validated yet.</p>`;
    if (rules.length === 0) return html`<p class="muted">No guardrail or standard applies.</p>`;
    return html`<table class="rules">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Verdict</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        ${rules.map(
          (r) =>
            html`<tr class="rule">
              <td>
                ${r.name}
                <div class="muted">
                  ${r.type}${r.kind ? ` · ${r.kind}` : ''}${r.severity ? ` · ${r.severity}` : ''}${r.level ? ` · ${r.level}` : ''}
                </div>
              </td>
              <td class="verdict ${r.status}">${r.status}</td>
              <td>${r.message}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private changeViolations(view: BinChangeView): TemplateResult | typeof nothing {
    const violations = view.change.violations;
    if (violations.length === 0) return nothing;
    return html`<table class="change-violations">
      <thead>
        <tr>
          <th>Standard</th>
          <th>Field</th>
          <th>Value</th>
          <th>Suggested fix</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        ${violations.map(
          (v) =>
            html`<tr>
              <td>${view.standards[v.standardId] ?? v.standardId}</td>
              <td><code>${v.resourceId.slice(view.change.id.length + 1)}</code></td>
              <td><code>${v.violationValue ?? ''}</code></td>
              <td><code>${v.suggestedFix ?? '—'}</code></td>
              <td>${v.status}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private impact(view: BinChangeView): TemplateResult {
    const impact = view.change.impactAnalysis;
    if (!impact) return html`<p class="muted">Computed when the change is validated.</p>`;
    return html`<p class="impact-summary">
        ${impact.dashboardCount} dashboard(s), ${impact.moduleCount} module(s)
        ${impact.highImpact ? html`<span class="high-impact">· high impact (more than 3 dashboards)</span>` : nothing}
      </p>
      ${
        impact.dashboards.length > 0
          ? html`<ul class="impact">
              ${impact.dashboards.map(
                (d) => html`<li>${d.name}: ${d.modules.map((m) => `${m.name} (${m.type})`).join(', ')}</li>`,
              )}
            </ul>`
          : nothing
      }`;
  }

  private propagation(view: BinChangeView): TemplateResult {
    const rows = view.change.propagation;
    if (rows.length === 0) return html`<p class="muted">Nothing propagated yet.</p>`;
    const names = new Map((view.change.impactAnalysis?.dashboards ?? []).map((d) => [d.id, d.name]));
    return html`<table class="propagation">
      <thead>
        <tr>
          <th>Dashboard</th>
          <th>Status</th>
          <th class="num">ms</th>
          <th class="num">Tokens</th>
          <th class="num">Attempts</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (p) =>
            html`<tr>
              <td>${names.get(p.dashboardId) ?? p.dashboardId}</td>
              <td class="verdict ${p.status === 'SUCCESS' ? 'pass' : p.status === 'FAILED' ? 'fail' : 'warn'}">
                ${p.status}
              </td>
              <td class="num">${p.durationMs ?? '—'}</td>
              <td class="num">${p.tokenCost ?? 0}</td>
              <td class="num">${p.attempts}</td>
              <td>${p.errorMessage ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  // ── Compliance ───────────────────────────────────────────────────────────────────────────────

  private complianceTab(): TemplateResult {
    const view = this.compliance;
    if (!view) return html`<p class="muted" role="status">Loading compliance…</p>`;
    return html`
      <h2>Compliance by standard</h2>
      ${
        view.compliance.length === 0
          ? html`<p class="empty">No active standard.</p>`
          : html`<table class="compliance">
              <thead>
                <tr>
                  <th>Standard</th>
                  <th>Category</th>
                  <th class="num">Violations</th>
                  <th class="num">Open</th>
                  <th class="num">Compliance</th>
                </tr>
              </thead>
              <tbody>
                ${view.compliance.map(
                  (r) =>
                    html`<tr>
                      <td>${r.standardName}</td>
                      <td>${r.category}</td>
                      <td class="num">${r.violationCount}</td>
                      <td class="num">${r.openViolations}</td>
                      <td class="num">${r.complianceRate.toFixed(2)} %</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <p class="muted">Suppressed violations are left out; a standard without violations is 100 % compliant.</p>
      <h2>Violations</h2>
      <div class="filters">
        <label
          >Status
          <select
            name="violationStatus"
            @change=${(e: Event) => this.save({ violationStatus: inputValue(e) as ViolationStatus | '' }, true)}
          >
            ${(['open', 'resolved', 'suppressed', ''] as const).map(
              (s) => html`<option value=${s} ?selected=${this.s.violationStatus === s}>${s || 'all'}</option>`,
            )}
          </select></label
        >
      </div>
      ${this.violationList(view)}
      <h2>High-impact changes <span class="muted">(last ${view.days} days)</span></h2>
      ${
        view.highImpact.length === 0
          ? html`<p class="empty">No change reached more than 3 dashboards.</p>`
          : html`<table class="high-impact-report">
              <thead>
                <tr>
                  <th>Change</th>
                  <th class="num">Dashboards</th>
                  <th class="num">Token cost</th>
                  <th class="num">Avg ms</th>
                </tr>
              </thead>
              <tbody>
                ${view.highImpact.map(
                  (h) =>
                    html`<tr>
                      <td>
                        <button
                          class="link open-change"
                          @click=${() => this.save({ tab: 'changes', selectedId: h.changeId, status: '' }, true)}
                        >
                          ${h.changeType}
                        </button>
                        <div class="muted">${h.changeId}</div>
                      </td>
                      <td class="num">${h.affectedDashboards}</td>
                      <td class="num">${h.totalTokenCost}</td>
                      <td class="num">${h.avgDurationMs === null ? '—' : Math.round(h.avgDurationMs)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }

  private violationList(view: BinComplianceView): TemplateResult {
    if (view.violations.length === 0) return html`<p class="empty">No violation with this status.</p>`;
    return html`<table class="violations">
      <thead>
        <tr>
          <th>Standard</th>
          <th>Resource</th>
          <th>Value → fix</th>
          <th>Status</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${view.violations.map(
          (v) =>
            html`<tr class="violation" data-id=${v.id}>
              <td>
                ${v.standardName}
                <div class="muted">${v.category}</div>
              </td>
              <td>${v.resourceType} <code>${v.resourceId}</code></td>
              <td>
                <code>${v.violationValue ?? ''}</code
                >${v.suggestedFix ? html` → <code>${v.suggestedFix}</code>` : nothing}
              </td>
              <td>
                ${v.status}
                <div class="muted">${time(v.detectedAt)}</div>
              </td>
              <td>
                ${
                  v.status === 'open'
                    ? html`<button
                          class="resolve"
                          ?disabled=${this.busy}
                          @click=${() => this.run('bin/violation', { id: v.id, status: 'resolved' })}
                        >
                          Resolve
                        </button>
                        <button
                          class="suppress"
                          ?disabled=${this.busy}
                          @click=${() => this.run('bin/violation', { id: v.id, status: 'suppressed' })}
                        >
                          Suppress
                        </button>`
                    : nothing
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  // ── Standards and guardrails ─────────────────────────────────────────────────────────────────

  private rulesTab(): TemplateResult {
    const view = this.rules;
    if (!view) return html`<p class="muted" role="status">Loading standards and guardrails…</p>`;
    return html`
      <h2>Metadata standards</h2>
      <table class="standards">
        <thead>
          <tr>
            <th>Name</th>
            <th>Category</th>
            <th>Pattern</th>
            <th>Level</th>
            <th>Active</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${view.standards.map(
            (s) =>
              html`<tr class="standard" data-id=${s.id}>
                <td>${s.standardName}</td>
                <td>${s.category}</td>
                <td><code>${s.patternRegex}</code></td>
                <td>${s.enforcementLevel}</td>
                <td>
                  <input
                    type="checkbox"
                    class="toggle"
                    aria-label="Active"
                    .checked=${s.isActive}
                    ?disabled=${this.busy}
                    @change=${(e: Event) => this.toggle(e, 'bin/saveStandard', (isActive) => ({ id: s.id, isActive }))}
                  />
                </td>
                <td><button class="edit" @click=${() => this.editStandard(s)}>Edit</button></td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div class="actions">
        <button class="new-standard" @click=${() => this.editStandard(null)}>New standard</button>
      </div>
      ${this.s.standardDraft ? this.standardEditor(this.s.standardDraft) : nothing}
      <h2>Guardrails</h2>
      <table class="guardrails">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Scope</th>
            <th>Kind</th>
            <th>Severity</th>
            <th>Auto-reject</th>
            <th>Enabled</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${view.guardrails.map(
            (g) =>
              html`<tr class="guardrail" data-id=${g.id}>
                <td>
                  ${g.ruleId}
                  <div class="muted">${g.description}</div>
                </td>
                <td>${g.projectName ?? 'all projects'}</td>
                <td>${(g.configuration as { kind?: string } | null)?.kind ?? '?'}</td>
                <td>${g.severity}</td>
                <td>${g.autoReject ? 'yes' : 'no'}</td>
                <td>
                  <input
                    type="checkbox"
                    class="toggle"
                    aria-label="Enabled"
                    .checked=${Boolean(g.enabled)}
                    ?disabled=${this.busy}
                    @change=${(e: Event) => this.toggle(e, 'bin/saveGuardrail', (enabled) => ({ id: g.id, enabled }))}
                  />
                </td>
                <td>
                  <button
                    class="edit"
                    @click=${() =>
                      this.editGuardrail({
                        id: g.id,
                        projectId: g.projectId ?? '',
                        ruleId: g.ruleId,
                        description: g.description,
                        severity: g.severity,
                        autoReject: Boolean(g.autoReject),
                        enabled: Boolean(g.enabled),
                        configuration: g.configurationText,
                      })}
                  >
                    Edit
                  </button>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div class="actions">
        <button class="new-guardrail" @click=${() => this.editGuardrail({ ...NEW_GUARDRAIL })}>New guardrail</button>
      </div>
      ${this.s.guardrailDraft ? this.guardrailEditor(this.s.guardrailDraft, view) : nothing}
    `;
  }

  private editStandard(s: StandardRow | null): void {
    const draft: StandardDraft = s
      ? {
          id: s.id,
          standardName: s.standardName,
          category: s.category,
          patternRegex: s.patternRegex,
          validationMessage: s.validationMessage ?? '',
          enforcementLevel: s.enforcementLevel,
          isActive: s.isActive,
          appliesTo: s.appliesTo ?? '',
          sample: '',
        }
      : { ...NEW_STANDARD };
    this.save({ standardDraft: draft });
    this.checkStandardPattern(draft);
  }

  private patchStandard(patch: Partial<StandardDraft>): void {
    const draft = { ...this.s.standardDraft!, ...patch };
    this.save({ standardDraft: draft });
    if ('patternRegex' in patch || 'sample' in patch) this.checkStandardPattern(draft);
  }

  private checkStandardPattern(d: StandardDraft): void {
    if (!d.patternRegex) this.standardCheck = { ok: false, message: 'A pattern is required.' };
    else this.checkPattern(d.patternRegex, d.sample, (r) => (this.standardCheck = r));
  }

  /** Asks the host's re2js, debounced: the verdict shows while typing, the save checks again. */
  private checkPattern(pattern: string, sample: string, show: (result: PatternCheck) => void): void {
    window.clearTimeout(this.patternTimer);
    this.patternTimer = window.setTimeout(() => {
      host
        .request('bin/validatePattern', { pattern: pattern.slice(0, 4000), sample: sample.slice(0, 2000) })
        .then(show, (error: Error) => show({ ok: false, message: error.message }));
    }, 200);
  }

  private standardEditor(d: StandardDraft): TemplateResult {
    const check = this.standardCheck;
    const save = () => {
      const { sample: _sample, id, validationMessage, appliesTo, ...fields } = d;
      void this.run(
        'bin/saveStandard',
        {
          ...(id ? { id } : {}),
          ...fields,
          validationMessage: validationMessage.trim() || null,
          appliesTo: appliesTo.trim() || null,
        },
        () => {
          this.notice = `Standard "${d.standardName}" saved.`;
          return { standardDraft: null };
        },
      );
    };
    return html`<form class="editor standard-editor" @submit=${(e: Event) => (e.preventDefault(), save())}>
      <h3 class="full">${d.id ? `Edit standard "${d.standardName}"` : 'New standard'}</h3>
      <label for="std-name">Name</label>
      <input
        id="std-name"
        name="standardName"
        maxlength="100"
        .value=${d.standardName}
        @input=${(e: Event) => this.patchStandard({ standardName: inputValue(e) })}
      />
      <label for="std-category">Category</label>
      <select
        id="std-category"
        name="category"
        @change=${(e: Event) => this.patchStandard({ category: inputValue(e) as StandardDraft['category'] })}
      >
        ${(['temporal', 'nomenclature', 'versioning'] as const).map(
          (c) => html`<option value=${c} ?selected=${d.category === c}>${c}</option>`,
        )}
      </select>
      <label for="std-pattern">Pattern (RE2)</label>
      <input
        id="std-pattern"
        name="patternRegex"
        maxlength="2000"
        .value=${d.patternRegex}
        @input=${(e: Event) => this.patchStandard({ patternRegex: inputValue(e) })}
      />
      <label for="std-sample">Try on</label>
      <input
        id="std-sample"
        name="sample"
        maxlength="2000"
        placeholder="a sample value"
        .value=${d.sample}
        @input=${(e: Event) => this.patchStandard({ sample: inputValue(e) })}
      />
      <span></span>
      <span class="pattern-check ${check?.ok === false ? 'field-error' : 'muted'}" role="status">
        ${
          check === undefined
            ? ''
            : check.ok
              ? d.sample
                ? check.matches
                  ? 'The pattern compiles and accepts the sample.'
                  : 'The pattern compiles; it rejects the sample.'
                : 'The pattern compiles.'
              : check.message
        }
      </span>
      <label for="std-message">Message</label>
      <input
        id="std-message"
        name="validationMessage"
        maxlength="2000"
        .value=${d.validationMessage}
        @input=${(e: Event) => this.patchStandard({ validationMessage: inputValue(e) })}
      />
      <label for="std-applies">Applies to</label>
      <input
        id="std-applies"
        name="appliesTo"
        maxlength="500"
        placeholder="default keys of the category (e.g. *_at, name, @file, @tag)"
        .value=${d.appliesTo}
        @input=${(e: Event) => this.patchStandard({ appliesTo: inputValue(e) })}
      />
      <label for="std-level">Enforcement</label>
      <select
        id="std-level"
        name="enforcementLevel"
        @change=${(e: Event) =>
          this.patchStandard({ enforcementLevel: inputValue(e) as StandardDraft['enforcementLevel'] })}
      >
        ${(['error', 'warning', 'info'] as const).map(
          (l) => html`<option value=${l} ?selected=${d.enforcementLevel === l}>${l}</option>`,
        )}
      </select>
      <label for="std-active">Active</label>
      <input
        id="std-active"
        type="checkbox"
        name="isActive"
        .checked=${d.isActive}
        @change=${(e: Event) => this.patchStandard({ isActive: checked(e) })}
      />
      <div class="actions full">
        <button type="submit" class="primary save-standard" ?disabled=${this.busy}>Save standard</button>
        <button type="button" class="cancel" @click=${() => this.save({ standardDraft: null })}>Cancel</button>
      </div>
    </form>`;
  }

  private editGuardrail(draft: GuardrailDraft): void {
    this.save({ guardrailDraft: draft });
    this.checkConfiguration(draft.configuration);
  }

  private patchGuardrail(patch: Partial<GuardrailDraft>): void {
    const draft = { ...this.s.guardrailDraft!, ...patch };
    this.save({ guardrailDraft: draft });
    if ('configuration' in patch) this.checkConfiguration(draft.configuration);
  }

  /** JSON syntax here; a `pattern` in it goes to the host's re2js like a standard's. Core checks the rest on save. */
  private checkConfiguration(text: string): void {
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (error) {
      this.configProblem = `Not valid JSON: ${(error as Error).message}`;
      this.guardrailCheck = undefined;
      return;
    }
    this.configProblem = '';
    const pattern = (config as { pattern?: unknown } | null)?.pattern;
    if (typeof pattern === 'string') this.checkPattern(pattern, '', (r) => (this.guardrailCheck = r));
    else this.guardrailCheck = undefined;
  }

  private guardrailEditor(d: GuardrailDraft, view: BinRulesView): TemplateResult {
    const save = () => {
      const { id, projectId, configuration, ...fields } = d;
      void this.run(
        'bin/saveGuardrail',
        { ...(id ? { id } : { projectId: projectId || null }), ...fields, configuration },
        () => {
          this.notice = `Guardrail "${d.ruleId}" saved.`;
          return { guardrailDraft: null };
        },
      );
    };
    const check = this.guardrailCheck;
    return html`<form class="editor guardrail-editor" @submit=${(e: Event) => (e.preventDefault(), save())}>
      <h3 class="full">${d.id ? `Edit guardrail "${d.ruleId}"` : 'New guardrail'}</h3>
      <label for="gr-rule">Rule id</label>
      <input
        id="gr-rule"
        name="ruleId"
        maxlength="100"
        .value=${d.ruleId}
        @input=${(e: Event) => this.patchGuardrail({ ruleId: inputValue(e) })}
      />
      <label for="gr-description">Description</label>
      <input
        id="gr-description"
        name="description"
        maxlength="5000"
        .value=${d.description}
        @input=${(e: Event) => this.patchGuardrail({ description: inputValue(e) })}
      />
      <label for="gr-project">Scope</label>
      <select
        id="gr-project"
        name="projectId"
        ?disabled=${Boolean(d.id)}
        @change=${(e: Event) => this.patchGuardrail({ projectId: inputValue(e) })}
      >
        <option value="" ?selected=${d.projectId === ''}>All projects (system)</option>
        ${view.projects.map((p) => html`<option value=${p.id} ?selected=${d.projectId === p.id}>${p.name}</option>`)}
      </select>
      <label for="gr-severity">Severity</label>
      <select
        id="gr-severity"
        name="severity"
        @change=${(e: Event) => this.patchGuardrail({ severity: inputValue(e) as GuardrailDraft['severity'] })}
      >
        ${(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const).map(
          (s) => html`<option value=${s} ?selected=${d.severity === s}>${s}</option>`,
        )}
      </select>
      <label for="gr-auto">Auto-reject</label>
      <input
        id="gr-auto"
        type="checkbox"
        name="autoReject"
        .checked=${d.autoReject}
        @change=${(e: Event) => this.patchGuardrail({ autoReject: checked(e) })}
      />
      <label for="gr-enabled">Enabled</label>
      <input
        id="gr-enabled"
        type="checkbox"
        name="enabled"
        .checked=${d.enabled}
        @change=${(e: Event) => this.patchGuardrail({ enabled: checked(e) })}
      />
      <label class="full" for="gr-config"
        >Configuration (JSON; <code>kind</code>: secret_scan, max_size, json_schema, protected_paths, regex_deny,
        regex_require)</label
      >
      <textarea
        id="gr-config"
        class="full"
        name="configuration"
        spellcheck="false"
        .value=${d.configuration}
        @input=${(e: Event) => this.patchGuardrail({ configuration: inputValue(e) })}
      ></textarea>
      <span
        class="full config-check ${this.configProblem || check?.ok === false ? 'field-error' : 'muted'}"
        role="status"
      >
        ${this.configProblem || (check ? (check.ok ? 'The pattern compiles.' : check.message) : '')}
      </span>
      <div class="actions full">
        <button type="submit" class="primary save-guardrail" ?disabled=${this.busy || Boolean(this.configProblem)}>
          Save guardrail
        </button>
        <button type="button" class="cancel" @click=${() => this.save({ guardrailDraft: null })}>Cancel</button>
      </div>
    </form>`;
  }
}
