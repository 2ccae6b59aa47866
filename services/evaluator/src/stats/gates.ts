import { InvalidArgumentError } from '@failmine/runtime';
import type { ComparisonStats } from './comparison-stats.js';
import type { Rate } from './wilson-interval.js';

/** The metrics a gate may test, as the contract spells them. */
export const GATE_METRICS = [
  'tie_rate',
  'win_rate',
  'loss_rate',
  'failure_rate_after',
  'failure_rate_before',
] as const;

/** One of GATE_METRICS. */
export type GateMetric = (typeof GATE_METRICS)[number];

/** Comparison of a gate; 'between' means within [threshold, thresholdHigh]. */
export type GateOperator = '>' | '>=' | '<' | '<=' | 'between';

/** A gate as a caller states it, before validation (metric still free text). */
export interface GateSpec {
  name: string;
  metric: string;
  /** Undefined when the caller left the operator unspecified. */
  operator: GateOperator | undefined;
  threshold: number;
  thresholdHigh: number;
}

/** A validated pass/fail rule on one metric, e.g. "tie_rate > 0.60". */
export interface Gate {
  name: string;
  metric: GateMetric;
  operator: GateOperator;
  threshold: number;
  /** Upper bound; meaningful for 'between' only. */
  thresholdHigh: number;
}

/** PASS: the whole interval satisfies the gate; FAIL: none of it does; else INCONCLUSIVE. */
export type GateStatus = 'pass' | 'fail' | 'inconclusive';

/** A gate's verdict on observed statistics. */
export interface GateResult {
  gate: Gate;
  status: GateStatus;
  observed: Rate;
  explanation: string;
}

/** The plan's gates: ties > 60 %, wins >= 16 %, losses < 20 %, failure rate after within 15-25 %. */
export const DEFAULT_GATES: readonly Gate[] = [
  { name: 'ties stay above 60 %', metric: 'tie_rate', operator: '>', threshold: 0.6, thresholdHigh: 0 },
  { name: 'wins reach 16 %', metric: 'win_rate', operator: '>=', threshold: 0.16, thresholdHigh: 0 },
  { name: 'losses stay below 20 %', metric: 'loss_rate', operator: '<', threshold: 0.2, thresholdHigh: 0 },
  {
    name: 'failure rate after within 15-25 %',
    metric: 'failure_rate_after',
    operator: 'between',
    threshold: 0.15,
    thresholdHigh: 0.25,
  },
];

const isMetric = (m: string): m is GateMetric => (GATE_METRICS as readonly string[]).includes(m);
const isProportion = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

/** Checks one caller gate; `field` (e.g. "gates[2]") prefixes every error so the caller can find it. */
export function validateGate(spec: GateSpec, field: string): Gate {
  if (!isMetric(spec.metric)) {
    throw new InvalidArgumentError(
      `${field}.metric: unknown metric "${spec.metric}"; expected one of ${GATE_METRICS.join(', ')}`,
    );
  }
  if (spec.operator === undefined) {
    throw new InvalidArgumentError(
      `${field}.operator: unspecified; expected GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL or BETWEEN`,
    );
  }
  if (!isProportion(spec.threshold)) {
    throw new InvalidArgumentError(`${field}.threshold: ${spec.threshold} is outside [0, 1]`);
  }
  if (spec.operator === 'between') {
    if (!isProportion(spec.thresholdHigh)) {
      throw new InvalidArgumentError(`${field}.threshold_high: ${spec.thresholdHigh} is outside [0, 1]`);
    }
    if (spec.thresholdHigh < spec.threshold) {
      throw new InvalidArgumentError(
        `${field}.threshold_high: ${spec.thresholdHigh} is below threshold ${spec.threshold}`,
      );
    }
  }
  const name = spec.name || describeRule(spec.metric, spec.operator, spec.threshold, spec.thresholdHigh);
  return {
    name,
    metric: spec.metric,
    operator: spec.operator,
    threshold: spec.threshold,
    thresholdHigh: spec.thresholdHigh,
  };
}

/** Validates caller gates; an empty list means the plan's DEFAULT_GATES. */
export function resolveGates(specs: readonly GateSpec[]): Gate[] {
  if (specs.length === 0) return [...DEFAULT_GATES];
  return specs.map((s, i) => validateGate(s, `gates[${i}]`));
}

/** The rate a metric reads from a group's statistics. */
export function metricRate(stats: ComparisonStats, metric: GateMetric): Rate {
  switch (metric) {
    case 'tie_rate':
      return stats.ties;
    case 'win_rate':
      return stats.wins;
    case 'loss_rate':
      return stats.losses;
    case 'failure_rate_after':
      return stats.failureRateAfter;
    case 'failure_rate_before':
      return stats.failureRateBefore;
  }
}

/** Whether a single value satisfies the gate. */
function holds(gate: Gate, x: number): boolean {
  switch (gate.operator) {
    case '>':
      return x > gate.threshold;
    case '>=':
      return x >= gate.threshold;
    case '<':
      return x < gate.threshold;
    case '<=':
      return x <= gate.threshold;
    case 'between':
      return x >= gate.threshold && x <= gate.thresholdHigh;
  }
}

/**
 * Judges a gate on the 95 % interval, not the point estimate. The satisfying set of every
 * operator is an interval, so checking both ends decides PASS; FAIL needs the interval to lie
 * wholly outside it, which for 'between' means wholly below or wholly above the band.
 */
export function evaluateGate(gate: Gate, stats: ComparisonStats): GateResult {
  const observed = metricRate(stats, gate.metric);
  const lowOk = holds(gate, observed.low);
  const highOk = holds(gate, observed.high);
  let status: GateStatus;
  if (lowOk && highOk) status = 'pass';
  else if (gate.operator === 'between')
    status = observed.high < gate.threshold || observed.low > gate.thresholdHigh ? 'fail' : 'inconclusive';
  else status = !lowOk && !highOk ? 'fail' : 'inconclusive';
  return { gate, status, observed, explanation: explain(gate, status, observed) };
}

/** Judges every gate against the same statistics. */
export function evaluateGates(gates: readonly Gate[], stats: ComparisonStats): GateResult[] {
  return gates.map((g) => evaluateGate(g, stats));
}

function describeRule(metric: string, op: GateOperator, threshold: number, thresholdHigh: number): string {
  return op === 'between'
    ? `${metric} within [${threshold}, ${thresholdHigh}]`
    : `${metric} ${op} ${threshold}`;
}

const f3 = (x: number) => x.toFixed(3);

function explain(gate: Gate, status: GateStatus, r: Rate): string {
  const rule = describeRule(gate.metric, gate.operator, gate.threshold, gate.thresholdHigh);
  const seen = `${gate.metric} = ${f3(r.value)} (${r.count}/${r.total}), 95 % CI [${f3(r.low)}, ${f3(r.high)}]`;
  if (status === 'pass') return `PASS: ${seen}; the whole interval satisfies ${rule}`;
  if (status === 'fail') return `FAIL: ${seen}; no part of the interval satisfies ${rule}`;
  return `INCONCLUSIVE: ${seen}; the interval straddles ${rule}, so more items are needed to decide`;
}
