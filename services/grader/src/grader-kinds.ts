import { Category } from '@failmine/contracts';

/** The graders failmine ships; one process runs one of them (chosen by --grader). */
export const GRADER_KINDS = ['gsm8k-numeric', 'multiple-choice', 'code-exec', 'pairwise-judge'] as const;

/** One of GRADER_KINDS. */
export type GraderKind = (typeof GRADER_KINDS)[number];

/** Which categories each grader decides. */
export const GRADER_CATEGORIES: Record<GraderKind, Category[]> = {
  'gsm8k-numeric': [Category.CATEGORY_MATH],
  'multiple-choice': [Category.CATEGORY_CREATIVITY],
  'code-exec': [Category.CATEGORY_CODE],
  'pairwise-judge': [Category.CATEGORY_MATH, Category.CATEGORY_CODE, Category.CATEGORY_CREATIVITY],
};
