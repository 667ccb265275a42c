// What the token-cost status-bar item shows, as a pure function of the data (tested without VS Code).
import { costUnits, formatUsd } from './money.js';
import type { StatusSummary } from './analytics.js';

export interface Budgets {
  /** USD per UTC day; 0 or undefined = no budget. */
  daily?: number;
  /** USD per UTC month; 0 or undefined = no budget. */
  monthly?: number;
}

/** none < 70 % ≤ notice < 90 % ≤ warning < 100 % ≤ over. */
export type BudgetBand = 'none' | 'notice' | 'warning' | 'over';

export type StatusBarInput =
  | { kind: 'no-project' }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'loading'; projectName: string }
  | { kind: 'summary'; projectName: string; summary: StatusSummary; budgets: Budgets };

export interface StatusBarView {
  visible: boolean;
  text: string;
  /** Markdown lines of the tooltip. */
  tooltip: string[];
  /** The theme colour id of the background: VS Code offers only these two for status-bar items. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  band: BudgetBand;
}

/** The share of a budget spent, in whole per cent (exact: from decimal strings). */
export function budgetPercent(spent: string, budget: number | undefined): number | undefined {
  if (!budget || !(budget > 0)) return undefined;
  const budgetUnits = BigInt(Math.round(budget * 10_000));
  return Number((costUnits(spent) * 100n) / budgetUnits);
}

export function bandOf(percent: number | undefined): BudgetBand {
  if (percent === undefined || percent < 70) return 'none';
  if (percent < 90) return 'notice';
  return percent < 100 ? 'warning' : 'over';
}

const BAND_ORDER: BudgetBand[] = ['none', 'notice', 'warning', 'over'];

/** 70 % → warning background, 90 % → error background, 100 % → error background and a warning icon. */
const BACKGROUND: Record<BudgetBand, StatusBarView['background']> = {
  none: undefined,
  notice: 'statusBarItem.warningBackground',
  warning: 'statusBarItem.errorBackground',
  over: 'statusBarItem.errorBackground',
};

/** Names from the database (projects, models) shown as text, never as Markdown or links. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+\-.!|~$]/g, '\\$&');
}

export function statusBarView(input: StatusBarInput): StatusBarView {
  switch (input.kind) {
    case 'no-project':
      return { visible: false, text: '', tooltip: [], band: 'none' };
    case 'disconnected':
      return {
        visible: true,
        text: '$(pulse) disconnected',
        tooltip: [
          '**Token cost**: the database is not reachable.',
          '',
          escapeMarkdown(input.reason),
          '',
          'Retrying in the background.',
        ],
        band: 'none',
      };
    case 'loading':
      return {
        visible: true,
        text: '$(pulse) …',
        tooltip: [`**Token cost** of ${escapeMarkdown(input.projectName)}: loading…`],
        band: 'none',
      };
    case 'summary': {
      const { summary, budgets } = input;
      const daily = budgetPercent(summary.today, budgets.daily);
      const monthly = budgetPercent(summary.month, budgets.monthly);
      const band = [bandOf(daily), bandOf(monthly)].reduce((a, b) =>
        BAND_ORDER.indexOf(a) >= BAND_ORDER.indexOf(b) ? a : b,
      );
      const ofBudget = (percent: number | undefined, budget: number | undefined) =>
        percent === undefined ? '' : ` — ${percent} % of the $${budget} budget`;
      const tooltip = [
        `**Token cost** of ${escapeMarkdown(input.projectName)}`,
        '',
        `Today: ${formatUsd(summary.today, 4)}${ofBudget(daily, budgets.daily)}`,
        `This week: ${formatUsd(summary.week, 4)}`,
        `This month: ${formatUsd(summary.month, 4)}${ofBudget(monthly, budgets.monthly)}`,
      ];
      if (summary.topModels.length > 0) {
        tooltip.push(
          '',
          'Top models this month:',
          ...summary.topModels.map((m) => `- ${escapeMarkdown(m.model)}: ${formatUsd(m.cost, 4)}`),
        );
      }
      if (summary.unpricedEvents > 0) {
        tooltip.push(
          '',
          `${summary.unpricedEvents} event(s) this month are **unpriced** (unknown model, counted as $0).`,
        );
      }
      tooltip.push(
        '',
        summary.lastEventAt ? `Last event: ${summary.lastEventAt.slice(0, 19)} UTC` : 'No events this month.',
        '',
        'Click for token analytics. Days, weeks (Monday) and months are UTC.',
      );
      return {
        visible: true,
        text: `${band === 'over' ? '$(warning)' : '$(pulse)'} ${formatUsd(summary.today)} today`,
        tooltip,
        background: BACKGROUND[band],
        band,
      };
    }
  }
}
