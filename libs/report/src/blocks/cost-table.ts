import type { ReportCost } from '../run-report-data.js';

/** The plan's cost table: one row per step and a total row summing every column. */
export interface CostTable {
  rows: ReportCost[];
  total: ReportCost;
}

/**
 * Sums the rows into a total. Device kinds are listed once each in first-seen order ("cpu,
 * cuda"), since seconds on different devices add up but the kind does not.
 */
export function costTable(costs: readonly ReportCost[]): CostTable {
  const kinds = [...new Set(costs.map((c) => c.deviceKind).filter(Boolean))];
  const sum = (pick: (c: ReportCost) => number) => costs.reduce((acc, c) => acc + pick(c), 0);
  return {
    rows: [...costs],
    total: {
      step: 'total',
      wallSeconds: sum((c) => c.wallSeconds),
      deviceSeconds: sum((c) => c.deviceSeconds),
      deviceKind: kinds.join(', '),
      tokensIn: sum((c) => c.tokensIn),
      tokensOut: sum((c) => c.tokensOut),
      usd: sum((c) => c.usd),
    },
  };
}
