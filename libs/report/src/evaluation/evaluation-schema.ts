// The evaluator's Evaluation message in its proto3 JSON form, as far as the report reads it.
// This package must not import @failmine/contracts, so the fields it shows are declared here.
// Each field reads as ts-proto's fromJSON() reads it: proto3 JSON leaves zero values out, so a
// missing (or null) field is its zero value; a non-finite double is written as a string.
// NOTE: objects are loose: the evaluator may add fields (usage, items ...) without making an
// older report unreadable; only the fields below are checked.
import { z } from 'zod';

const double = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])], {
    error: 'expected a number (or "NaN", "Infinity", "-Infinity")',
  })
  .nullish()
  .transform((v) => (v == null ? 0 : Number(v)));
const integer = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const texts = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** A message field: absent or null is "not set". */
function message<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

/** An enum by name (or by number, which proto3 JSON also allows), read as its name. */
function enumByName(names: readonly string[]) {
  return z
    .union([z.string(), z.number()], { error: 'expected an enum name or number' })
    .nullish()
    .transform((v) => (typeof v === 'number' ? (names[v] ?? 'UNRECOGNIZED') : (v ?? names[0] ?? '')));
}

// In the proto's order, so index = enum number.
const GATE_STATUS_NAMES = [
  'GATE_STATUS_UNSPECIFIED',
  'GATE_STATUS_PASS',
  'GATE_STATUS_FAIL',
  'GATE_STATUS_INCONCLUSIVE',
] as const;
const GATE_OPERATOR_NAMES = [
  'GATE_OPERATOR_UNSPECIFIED',
  'GATE_OPERATOR_GREATER',
  'GATE_OPERATOR_GREATER_OR_EQUAL',
  'GATE_OPERATOR_LESS',
  'GATE_OPERATOR_LESS_OR_EQUAL',
  'GATE_OPERATOR_BETWEEN',
] as const;

const rateSchema = z.looseObject({
  count: integer,
  total: integer,
  value: double,
  ciLow: double,
  ciHigh: double,
});

const mcnemarSchema = z.looseObject({
  wins: integer,
  losses: integer,
  statistic: double,
  pValue: double,
  method: text,
});

const statsSchema = z.looseObject({
  group: text,
  items: integer,
  wins: message(rateSchema),
  ties: message(rateSchema),
  losses: message(rateSchema),
  failureRateBefore: message(rateSchema),
  failureRateAfter: message(rateSchema),
  mcnemar: message(mcnemarSchema),
});

const gateSchema = z.looseObject({
  name: text,
  metric: text,
  operator: enumByName(GATE_OPERATOR_NAMES),
  threshold: double,
  thresholdHigh: double,
});

const gateResultSchema = z.looseObject({
  gate: message(gateSchema),
  status: enumByName(GATE_STATUS_NAMES),
  observed: message(rateSchema),
  explanation: text,
});

const statsList = z
  .array(statsSchema)
  .nullish()
  .transform((v) => v ?? []);

/** Schema of a stored Evaluation; parsing fills in the zero values proto3 JSON leaves out. */
export const evaluationSchema = z.looseObject({
  overall: message(statsSchema),
  breakdown: statsList,
  gates: z
    .array(gateResultSchema)
    .nullish()
    .transform((v) => v ?? []),
  forgetting: statsList,
  forgettingFlags: texts,
});

/** A rate with its 95 % interval, all fractions 0..1. */
export type Rate = z.output<typeof rateSchema>;
/** Win / tie / loss, failure rates and McNemar of one group of items. */
export type ComparisonStats = z.output<typeof statsSchema>;
/** A gate's rule: metric, operator (by its proto name) and thresholds. */
export type Gate = z.output<typeof gateSchema>;
/** An Evaluation with every zero value filled in. */
export type Evaluation = z.output<typeof evaluationSchema>;
