import type { RunReportData } from '@failmine/report';
import type { JsonValue } from '../db/json-value.js';

interface RateJson {
  count?: number;
  total?: number;
  value?: number;
}

/**
 * The table `failmine run` ends with: per adapter the failure rate before and after, win /
 * tie / loss and the gate verdicts; then one cost row per step and the total.
 */
export function runSummaryLines(data: RunReportData): string[] {
  const lines = [`run ${data.run.id}: ${data.run.state}`];
  if (data.validations.length > 0) {
    lines.push(
      '',
      row(['adapter', 'items', 'failure rate before -> after', 'W/T/L', 'gates']),
      row(Array(5).fill('---')),
    );
  }
  for (const v of data.validations) {
    if (v.skipped || !v.evaluation) {
      lines.push(row([v.category, '-', '-', '-', `skipped: ${v.skipped ?? 'no evaluation'}`]));
      continue;
    }
    const e = v.evaluation as { overall?: Record<string, JsonValue>; gates?: JsonValue[] };
    const o = e.overall ?? {};
    const rate = (key: string) => o[key] as RateJson | undefined;
    // ts-proto's toJSON leaves out zero values, so a missing count is 0.
    const count = (key: string) => rate(key)?.count ?? 0;
    const gates = (e.gates ?? []).map((g) => {
      const gate = g as { gate?: { metric?: string }; status?: string };
      return `${gate.gate?.metric ?? '?'} ${(gate.status ?? 'GATE_STATUS_UNSPECIFIED').replace('GATE_STATUS_', '')}`;
    });
    lines.push(
      row([
        v.category,
        String(o.items ?? 0),
        `${pct(rate('failureRateBefore'))} -> ${pct(rate('failureRateAfter'))}`,
        `${count('wins')}/${count('ties')}/${count('losses')}`,
        gates.join(', '),
      ]),
    );
  }
  lines.push(
    '',
    row(['step', 'wall s', 'device s', 'device', 'tokens in/out', 'USD']),
    row(Array(6).fill('---')),
  );
  let usd = 0;
  for (const c of data.costs) {
    usd += c.usd;
    lines.push(
      row([
        c.step,
        c.wallSeconds.toFixed(1),
        c.deviceSeconds.toFixed(1),
        c.deviceKind,
        `${c.tokensIn}/${c.tokensOut}`,
        c.usd.toFixed(4),
      ]),
    );
  }
  lines.push(row(['total', '', '', '', '', usd.toFixed(4)]));
  return lines;
}

function pct(r: RateJson | undefined): string {
  return `${(100 * (r?.value ?? 0)).toFixed(1)} % (${r?.count ?? 0}/${r?.total ?? 0})`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}
