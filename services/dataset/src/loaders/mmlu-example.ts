import type { SourceExample } from '@failmine/problems';

/** MMLU's answer letters, indexed by the 0-based answer both HF layouts (CSV and parquet) use. */
export const MMLU_LETTERS = ['A', 'B', 'C', 'D'] as const;

/** One MMLU question as read from any layout, before it becomes an Example. */
export interface MmluRow {
  split: string;
  subject: string;
  /** 0-based position of the question within its subject and split. */
  index: number;
  question: string;
  choices: string[];
  answerLetter: string;
  /** "path:line" (CSV) or "path:row N" (parquet), kept as metadata.source. */
  where: string;
}

/** Builds the Example of one MMLU question; every layout goes through here so ids agree. */
export function mmluExample(row: MmluRow): SourceExample {
  return {
    id: `mmlu/${row.split}/${row.subject}/${row.index}`,
    category: 'creativity',
    dataset: 'mmlu',
    split: row.split,
    question: row.question,
    groundTruth: { kind: 'multiple-choice', answerLetter: row.answerLetter, choices: row.choices },
    referenceSolution: row.answerLetter,
    metadata: { source: row.where, subject: row.subject },
  };
}
