import { formatPercent } from '../format/format-numbers.js';
import type { Gate } from './evaluation-schema.js';

/** How a gate's verdict is shown, and the tone the HTML report colours it with. */
export type GateTone = 'pass' | 'fail' | 'inconclusive' | 'unknown';

// Keyed by the proto enum names (evaluation-schema.ts reads numbers as names).
const STATUS_TEXT = new Map<string, { text: string; tone: GateTone }>([
  ['GATE_STATUS_PASS', { text: 'PASS', tone: 'pass' }],
  ['GATE_STATUS_FAIL', { text: 'FAIL', tone: 'fail' }],
  ['GATE_STATUS_INCONCLUSIVE', { text: 'INCONCLUSIVE', tone: 'inconclusive' }],
]);

/** PASS / FAIL / INCONCLUSIVE, or "UNSPECIFIED" for a status the evaluator did not set. */
export function gateStatusText(status: string): { text: string; tone: GateTone } {
  return STATUS_TEXT.get(status) ?? { text: 'UNSPECIFIED', tone: 'unknown' };
}

const OPERATOR_SYMBOL = new Map<string, string>([
  ['GATE_OPERATOR_GREATER', '>'],
  ['GATE_OPERATOR_GREATER_OR_EQUAL', '≥'],
  ['GATE_OPERATOR_LESS', '<'],
  ['GATE_OPERATOR_LESS_OR_EQUAL', '≤'],
]);

/** The rule as text: "> 60.0 %", "≥ 16.0 %", "in [15.0 %, 25.0 %]". */
export function gateThresholdText(gate: Gate | undefined): string {
  if (!gate) return '–';
  if (gate.operator === 'GATE_OPERATOR_BETWEEN') {
    return `in [${formatPercent(gate.threshold)}, ${formatPercent(gate.thresholdHigh)}]`;
  }
  const symbol = OPERATOR_SYMBOL.get(gate.operator) ?? '?';
  return `${symbol} ${formatPercent(gate.threshold)}`;
}
