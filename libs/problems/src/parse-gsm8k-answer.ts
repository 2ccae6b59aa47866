import { InvalidArgumentError } from '@failmine/runtime';

/** A GSM8K answer split into its worked solution and its final number. */
export interface Gsm8kAnswer {
  /** The worked solution before the "####" line. */
  rationale: string;
  /** The final answer exactly as the dataset states it after "####", e.g. "1,000". */
  finalAnswer: string;
  /** The final answer as a number: 1000 for "1,000", -3 for "-3", 0.5 for ".5". */
  value: number;
}

// Digits with optional thousands grouping ("1,234,567" but not "12,34"), optional decimals.
const NUMBER = /^([-+−]?)\$?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/;

/**
 * Parses a number the way GSM8K writes one: thousands commas, a leading minus (also U+2212),
 * a dollar sign, decimals, a trailing full stop. Returns undefined for anything else, such as
 * "12,34" or "3/4", rather than guessing.
 */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/\.$/, '');
  const m = NUMBER.exec(t);
  if (!m || (m[2] === undefined && m[3] === undefined)) return undefined;
  const sign = m[1] === '-' || m[1] === '−' ? '-' : '';
  const value = Number(`${sign}${(m[2] ?? '0').replaceAll(',', '')}.${m[3] ?? '0'}`);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Splits a GSM8K `answer` field at its last "####" line. Throws InvalidArgumentError (prefixed
 * with `where`, e.g. "train.jsonl:17") when the marker is missing or the number does not parse.
 */
export function parseGsm8kAnswer(answer: string, where = 'answer'): Gsm8kAnswer {
  const marker = answer.lastIndexOf('####');
  if (marker === -1) throw new InvalidArgumentError(`${where}: field "answer" has no "#### N" final answer`);
  const finalAnswer = answer.slice(marker + 4).trim();
  const value = parseNumber(finalAnswer);
  if (value === undefined) {
    throw new InvalidArgumentError(
      `${where}: field "answer" ends in "#### ${finalAnswer}", which is not a number`,
    );
  }
  return { rationale: answer.slice(0, marker).trimEnd(), finalAnswer, value };
}
