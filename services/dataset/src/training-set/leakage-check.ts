import type { SourceExample } from '@failmine/problems';
import { normalizeText } from './normalize-text.js';

// Questions are indexed by their first few words, so each instruction is scanned once per word
// rather than compared with every evaluation question.
const KEY_WORDS = 8;

interface Probe {
  id: string;
  /** Normalized texts that must all occur in an instruction for it to count as leaked. */
  texts: string[];
}

/**
 * What identifies an evaluation item inside a prompt: its question, plus its options for
 * multiple choice (MMLU questions can be a few words long; with the options they are specific).
 */
export function leakTexts(example: SourceExample): string[] {
  const texts = [example.question];
  if (example.groundTruth.kind === 'multiple-choice') texts.push(...example.groundTruth.choices);
  return texts.map(normalizeText).filter((t) => t !== '');
}

/** Finds evaluation questions inside training instructions (after normalizeText on both). */
export class LeakageIndex {
  private readonly byKey = new Map<string, Probe[]>();
  private readonly keyLengths = new Set<number>();

  constructor(examples: Iterable<SourceExample>) {
    for (const example of examples) {
      const texts = leakTexts(example);
      const words = texts[0]?.split(' ') ?? [];
      if (words.length === 0) continue;
      const length = Math.min(KEY_WORDS, words.length);
      const key = words.slice(0, length).join(' ');
      this.keyLengths.add(length);
      const list = this.byKey.get(key) ?? [];
      list.push({ id: example.id, texts });
      this.byKey.set(key, list);
    }
  }

  /** The id of the first evaluation item whose question appears in `instruction`, if any. */
  find(instruction: string): string | undefined {
    const normalized = normalizeText(instruction);
    const words = normalized.split(' ');
    for (let i = 0; i < words.length; i++) {
      for (const length of this.keyLengths) {
        if (i + length > words.length) continue;
        const probes = this.byKey.get(words.slice(i, i + length).join(' '));
        const hit = probes?.find((p) => p.texts.every((t) => normalized.includes(t)));
        if (hit) return hit.id;
      }
    }
    return undefined;
  }
}
