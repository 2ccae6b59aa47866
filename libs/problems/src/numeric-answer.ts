import { type ExactNumber, parseExactNumber } from './exact-number.js';

/** The extraction rules, strictest first; flexible mode tries them in this order. */
export const NUMERIC_RULES = ['hash-marker', 'boxed', 'answer-phrase', 'last-number'] as const;

/** One of NUMERIC_RULES. */
export type NumericRule = (typeof NUMERIC_RULES)[number];

/** A number read from a completion: its value, the text it came from and the rule that found it. */
export interface NumericAnswer {
  value: ExactNumber;
  text: string;
  rule: NumericRule;
}

// One number as people write it: "-5", "$1,000.50", "-$3", "3/4", ".5", "1,234".
// The lookbehind stops matches inside words and numbers ("x2", "v1.5" -> no "2"/".5").
// NOTE: a hyphen right after a letter is read as subtraction, not a sign ("x-5" -> 5).
const NUMBER = String.raw`(?<![\w.$])[-\u2212]?\$?[-\u2212]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[^\S\n]*\/[^\S\n]*\d+(?![\d,]|\.\d))?`;

const RULE_PATTERNS: Record<NumericRule, RegExp> = {
  'hash-marker': new RegExp(String.raw`####[^\S\n]*(${NUMBER})`, 'g'),
  boxed: new RegExp(String.raw`\\boxed\{\s*(?:\\\$)?(${NUMBER})\s*\}`, 'g'),
  // "The answer is 18", "Final answer: $18", "**Answer:** 18", "answer is approximately 7".
  'answer-phrase': new RegExp(
    String.raw`\banswer\b[^\S\n]*(?:\*\*)?[^\S\n]*(?:is\b:?|[:=])[^\S\n]*(?:\*\*)?[^\S\n]*(?:[a-z]+[^\S\n]+){0,2}?(${NUMBER})`,
    'gi',
  ),
  'last-number': new RegExp(`(${NUMBER})`, 'g'),
};

/** Parses one matched number, dropping "$" and normalising the Unicode minus. */
function toValue(text: string): ExactNumber | undefined {
  const negative = /[-\u2212]/.test(text.replace(/\/.*/, ''));
  const bare = text.replace(/[-\u2212$]/g, '');
  const value = parseExactNumber(bare);
  return value && negative ? { num: -value.num, den: value.den } : value;
}

/** The last number a rule finds in the text, or undefined. */
export function applyNumericRule(text: string, rule: NumericRule): NumericAnswer | undefined {
  let last: NumericAnswer | undefined;
  for (const m of text.matchAll(RULE_PATTERNS[rule])) {
    const raw = m[1] ?? '';
    const value = toValue(raw);
    if (value) last = { value, text: raw, rule };
  }
  return last;
}

/**
 * Extracts the final numeric answer. "strict" accepts only GSM8K's "#### N"; "flexible" tries
 * hash-marker, \boxed{N}, "the answer is N", then the last number in the text.
 */
export function extractNumericAnswer(text: string, mode: 'strict' | 'flexible'): NumericAnswer | undefined {
  const rules: readonly NumericRule[] = mode === 'strict' ? ['hash-marker'] : NUMERIC_RULES;
  for (const rule of rules) {
    const found = applyNumericRule(text, rule);
    if (found) return found;
  }
  return undefined;
}

/** Parses a dataset's final answer ("1,450,000", "$18", "-3", "50%"); undefined when not a number. */
export function parseFinalAnswer(text: string): ExactNumber | undefined {
  return toValue(text.trim().replace(/%$/, '').replace(/\s+/g, ''));
}
