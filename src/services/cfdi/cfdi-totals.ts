import {
  totalCfdiByCounterpart,
  totalCfdiByMonth,
  type CfdiCounterpartTotal,
  type CfdiMonthTotal,
  type Queryable,
} from '../../db';
import { cfdiFilters, type CfdiSearchCriteria } from './cfdi-criteria';

export type { CfdiCounterpartTotal, CfdiMonthTotal };

/** Longest run of months filled with zeros between the first and the last (fifty years). */
const MAX_FILLED_MONTHS = 600;

function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/** Months without documents between the first and the last, as zeros: a chart's axis stays regular. */
export function fillMonths(totals: readonly CfdiMonthTotal[]): CfdiMonthTotal[] {
  const dated = totals.filter((total) => total.month !== null);
  const undated = totals.filter((total) => total.month === null);
  const first = dated[0]?.month;
  const last = dated[dated.length - 1]?.month;
  if (!first || !last) return [...totals];
  const byMonth = new Map(dated.map((total) => [total.month, total]));
  const filled: CfdiMonthTotal[] = [];
  for (let month = first; filled.length <= MAX_FILLED_MONTHS; month = nextMonth(month)) {
    filled.push(byMonth.get(month) ?? { month, count: 0, amount: '0' });
    if (month === last) return [...filled, ...undated];
  }
  return [...totals];
}

/**
 * Totals of a search for the explorer's charts: documents and amounts per month of issue and per
 * counterpart, computed by the database over the same filters as the search, for one tenant only.
 */
export class CfdiTotals {
  constructor(private readonly db: Queryable) {}

  async perMonth(tenantId: string, criteria: CfdiSearchCriteria): Promise<CfdiMonthTotal[]> {
    return fillMonths(await totalCfdiByMonth(this.db, tenantId, cfdiFilters(criteria)));
  }

  async perCounterpart(
    tenantId: string,
    criteria: CfdiSearchCriteria,
    limit = 10,
  ): Promise<CfdiCounterpartTotal[]> {
    return totalCfdiByCounterpart(this.db, tenantId, cfdiFilters(criteria), limit);
  }
}
