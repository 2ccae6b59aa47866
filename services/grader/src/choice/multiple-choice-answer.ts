import { InvalidArgumentError } from '@failmine/runtime';
import type { GradeResult } from '../grading.js';

/** The letters a multiple-choice item can have (MMLU: four options). */
export const CHOICE_LETTERS = ['A', 'B', 'C', 'D'] as const;

/** What was read from a completion: one letter, several (ambiguous) or none. */
export type ChoiceReading =
  | { kind: 'letter'; letter: string; rule: string }
  | { kind: 'ambiguous'; letters: string[]; rule: string }
  | { kind: 'none' };

const L = '[A-Da-d]';
// "Answer: B", "The correct option is C.", "answer is (b)", "I'd choose D", "answer would be either A or B".
const MARKER = new RegExp(
  String.raw`\b(?:answers?|options?|choices?|choose|chose|pick|select|go with)\b(?:\s+(?:is|would be|should be|must be|will be))?\s*(?:[:=]|\bis\b)?\s*(?:\*\*)?\s*(?:either\s+|letter\s+)?([(\[])?\s*(${L})\s*([)\]])?(?![\w'])((?:\s*(?:,|or|and|/)\s*[(\[]?[A-D][)\]]?(?![\w']))*)`,
  'gi',
);
const LEADING = new RegExp(String.raw`^\s*(?:\*\*)?([(\[])?(${L})(?:[)\].:]|\*\*|\s*$|\s+[-\u2013\u2014]\s)`);
const PARENTHESIZED = new RegExp(String.raw`[(\[](${L})[)\]]`, 'g');
// A capital letter standing alone; "A" followed by a lowercase word is the article, not option A.
const LONE = /(?<![\w'])([A-D])(?![\w'])(?!\s+[a-z])/g;

function distinct(letters: string[]): string[] {
  return [...new Set(letters.map((l) => l.toUpperCase()))].sort();
}

function reading(letters: string[], rule: string): ChoiceReading {
  const unique = distinct(letters);
  if (unique.length === 0) return { kind: 'none' };
  if (unique.length === 1) return { kind: 'letter', letter: unique[0] as string, rule };
  return { kind: 'ambiguous', letters: unique, rule };
}

function markerLetters(text: string): string[] {
  const letters: string[] = [];
  for (const m of text.matchAll(MARKER)) {
    const [, open, letter = '', close, more = ''] = m;
    // A lowercase letter counts only when it cannot be the word "a": wrapped, or at the end.
    const lowercaseOk =
      open !== undefined ||
      close !== undefined ||
      /^\s*[.!]?\s*$/.test(text.slice((m.index ?? 0) + m[0].length));
    if (letter === letter.toLowerCase() && !lowercaseOk) continue;
    letters.push(
      letter,
      ...[...more.matchAll(/(?:,|or|and|\/)\s*[([]?([A-D])/gi)].map((x) => x[1] as string),
    );
  }
  return letters;
}

// A leading "B." counts, but not when the text goes on to label other options "(A)" too.
function leadingLetters(text: string): string[] {
  const letter = LEADING.exec(text)?.[2];
  return letter ? [letter, ...[...text.matchAll(PARENTHESIZED)].map((m) => m[1] as string)] : [];
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .trim();
}

function optionTextLetters(text: string, choices: readonly string[]): string[] {
  const haystack = normalize(text);
  const hits = choices
    .map((c, i) => ({ letter: CHOICE_LETTERS[i] ?? '', needle: normalize(c) }))
    .filter(({ letter, needle }) => letter !== '' && needle !== '');
  const exact = hits.find((h) => h.needle === haystack);
  if (exact) return [exact.letter];
  const found = hits.filter(({ needle }) => {
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`).test(haystack);
  });
  // An option that is part of a longer option found too ("True" inside "True, True") is not a pick.
  return found
    .filter(
      (f) => !found.some((g) => g !== f && g.needle.length > f.needle.length && g.needle.includes(f.needle)),
    )
    .map((f) => f.letter);
}

/**
 * Reads the chosen letter. A completion that is exactly one option's text is that option; otherwise
 * rules are tried from most to least explicit: an answer marker, a leading
 * letter, a parenthesised letter, a lone capital letter, then the text of an option. The first
 * rule that finds anything decides; if it finds different letters the reading is ambiguous.
 */
export function extractChoice(text: string, choices: readonly string[]): ChoiceReading {
  // A completion that is exactly one option's text ("24 A") is that option, whatever letters it holds.
  const exact = choices.findIndex((c) => normalize(c) !== '' && normalize(c) === normalize(text));
  if (exact >= 0 && exact < CHOICE_LETTERS.length && !/^\(?[A-Da-d]\)?$/.test(text.trim()))
    return { kind: 'letter', letter: CHOICE_LETTERS[exact] as string, rule: 'option-text' };
  const rules: [string, () => string[]][] = [
    ['answer-marker', () => markerLetters(text)],
    ['leading-letter', () => leadingLetters(text)],
    ['parenthesized', () => [...text.matchAll(PARENTHESIZED)].map((m) => m[1] as string)],
    ['lone-letter', () => [...text.matchAll(LONE)].map((m) => m[1] as string)],
    ['option-text', () => optionTextLetters(text, choices)],
  ];
  for (const [rule, find] of rules) {
    const r = reading(find(), rule);
    if (r.kind !== 'none') return r;
  }
  return { kind: 'none' };
}

/** Grades a multiple-choice completion; ambiguous readings are wrong, with the letters named. */
export function gradeMultipleChoice(
  completion: string,
  answerLetter: string,
  choices: readonly string[],
): GradeResult {
  const expected = answerLetter.trim().toUpperCase();
  if (!(CHOICE_LETTERS as readonly string[]).includes(expected))
    throw new InvalidArgumentError(
      `ground_truth.multiple_choice.answer_letter "${answerLetter}" is not one of ${CHOICE_LETTERS.join(', ')}`,
    );
  const r = extractChoice(completion, choices);
  if (r.kind === 'none')
    return {
      outcome: 'no-answer',
      extractedAnswer: '',
      rule: 'none',
      reason: 'no option letter or option text found',
    };
  if (r.kind === 'ambiguous')
    return {
      outcome: 'incorrect',
      extractedAnswer: r.letters.join(','),
      rule: r.rule,
      reason: `ambiguous: the completion names ${r.letters.join(' and ')} (${r.rule})`,
    };
  const right = r.letter === expected;
  return {
    outcome: right ? 'correct' : 'incorrect',
    extractedAnswer: r.letter,
    rule: r.rule,
    reason: right
      ? `chose ${r.letter} (${r.rule}), the correct option`
      : `chose ${r.letter} (${r.rule}); correct is ${expected}`,
  };
}
