import { formatCount } from '../format/format-numbers.js';
import type { JsonValue, ReportPlan, ReportPlanCategory } from '../run-report-data.js';

/**
 * The run's plan as label/value lines for the report's header. A stored plan that its writer
 * could not read (written by another version; `resolved` is null) is shown as its JSON.
 */
export function planSummary(plan: JsonValue, resolved: ReportPlan | null): [label: string, value: string][] {
  if (!resolved) return [['plan (as stored)', JSON.stringify(plan)]];
  const t = resolved.training;
  const v = resolved.validation;
  const prices = Object.entries(resolved.usdPerDeviceHour);
  return [
    ['plan', resolved.name],
    ['model', resolved.model.path],
    ['categories', resolved.categories.map(categoryText).join('; ')],
    [
      'training',
      `lr ${t.learningRate.toExponential()}, ${t.epochs} epochs, batch ${t.batchSize}, max ${t.maxSeqLen} tokens, LoRA r ${t.loraR}, seed ${t.seed}`,
    ],
    [
      'validation',
      `against ${v.reference} on ${v.split} (${v.limit === 0 ? 'all items' : `first ${formatCount(v.limit)}`})`,
    ],
    [
      'sampling',
      `${resolved.sampling.temperature === 0 ? 'greedy' : `temperature ${resolved.sampling.temperature}`}, up to ${resolved.sampling.maxNewTokens} new tokens`,
    ],
    ['combined adapter', resolved.combined ? 'yes' : 'no'],
    ['outputs', `${resolved.outputDir}, ${resolved.checkpointDir}`],
    [
      'price per device-hour',
      prices.length === 0 ? 'none set (costs are 0)' : prices.map(([k, usd]) => `${k} $${usd}`).join(', '),
    ],
  ];
}

function categoryText(c: ReportPlanCategory): string {
  return `${c.category} (${c.datasets.join(', ')}, ${c.splits.join(' / ')}, ${c.limit === 0 ? 'all' : `first ${formatCount(c.limit)}`})`;
}
