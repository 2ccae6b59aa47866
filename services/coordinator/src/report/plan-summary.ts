import type { JsonValue } from '../db/json-value.js';
import { miningSplits } from '../plan/category-sets.js';
import { parsePlan, type RunPlan } from '../plan/run-plan.js';
import { formatCount } from './format-numbers.js';

/**
 * The run's plan as label/value lines for the report's header. A stored plan that this build
 * cannot read (written by another version) is shown as its JSON rather than failing the report.
 */
export function planSummary(plan: JsonValue): [label: string, value: string][] {
  let parsed: RunPlan;
  try {
    parsed = parsePlan(plan, 'stored plan');
  } catch {
    return [['plan (as stored)', JSON.stringify(plan)]];
  }
  const t = parsed.training;
  const v = parsed.validation;
  const prices = Object.entries(parsed.usdPerDeviceHour);
  return [
    ['plan', parsed.name],
    ['model', parsed.model.path],
    ['categories', parsed.categories.map(categoryText).join('; ')],
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
      `${parsed.sampling.temperature === 0 ? 'greedy' : `temperature ${parsed.sampling.temperature}`}, up to ${parsed.sampling.maxNewTokens} new tokens`,
    ],
    ['combined adapter', parsed.combined ? 'yes' : 'no'],
    ['outputs', `${parsed.outputDir}, ${parsed.checkpointDir}`],
    [
      'price per device-hour',
      prices.length === 0 ? 'none set (costs are 0)' : prices.map(([k, usd]) => `${k} $${usd}`).join(', '),
    ],
  ];
}

function categoryText(c: RunPlan['categories'][number]): string {
  const mined = miningSplits(c);
  const datasets = mined.map((s) => s.dataset).join(', ');
  const splits = [...new Set(mined.map((s) => s.split))].join(' / ');
  return `${c.category} (${datasets}, ${splits}, ${c.limit === 0 ? 'all' : `first ${formatCount(c.limit)}`})`;
}
