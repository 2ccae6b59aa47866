import { type Gate, GateOperator, GateStatus } from '@failmine/contracts';
import { formatPercent } from './format-numbers.js';

/** How a gate's verdict is shown, and the tone the HTML report colours it with. */
export type GateTone = 'pass' | 'fail' | 'inconclusive' | 'unknown';

const STATUS_TEXT = new Map<GateStatus, { text: string; tone: GateTone }>([
  [GateStatus.GATE_STATUS_PASS, { text: 'PASS', tone: 'pass' }],
  [GateStatus.GATE_STATUS_FAIL, { text: 'FAIL', tone: 'fail' }],
  [GateStatus.GATE_STATUS_INCONCLUSIVE, { text: 'INCONCLUSIVE', tone: 'inconclusive' }],
]);

/** PASS / FAIL / INCONCLUSIVE, or "UNSPECIFIED" for a status the evaluator did not set. */
export function gateStatusText(status: GateStatus): { text: string; tone: GateTone } {
  return STATUS_TEXT.get(status) ?? { text: 'UNSPECIFIED', tone: 'unknown' };
}

const OPERATOR_SYMBOL = new Map<GateOperator, string>([
  [GateOperator.GATE_OPERATOR_GREATER, '>'],
  [GateOperator.GATE_OPERATOR_GREATER_OR_EQUAL, '≥'],
  [GateOperator.GATE_OPERATOR_LESS, '<'],
  [GateOperator.GATE_OPERATOR_LESS_OR_EQUAL, '≤'],
]);

/** The rule as text: "> 60.0 %", "≥ 16.0 %", "in [15.0 %, 25.0 %]". */
export function gateThresholdText(gate: Gate | undefined): string {
  if (!gate) return '–';
  if (gate.operator === GateOperator.GATE_OPERATOR_BETWEEN) {
    return `in [${formatPercent(gate.threshold)}, ${formatPercent(gate.thresholdHigh)}]`;
  }
  const symbol = OPERATOR_SYMBOL.get(gate.operator) ?? '?';
  return `${symbol} ${formatPercent(gate.threshold)}`;
}
