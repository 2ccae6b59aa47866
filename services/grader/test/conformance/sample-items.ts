// Items the conformance kit sends: per category, one completion that is right and one that is
// wrong, so any correct grader of that category must tell them apart. Pairwise graders get
// their own samples: the right completion beats the other output, the wrong one does not.
import { Category, type GradeItem, type GroundTruth } from '@failmine/contracts';

/** A right and a wrong completion for the same ground truth. */
export interface SampleItem {
  category: Category;
  prompt: string;
  right: string;
  wrong: string;
  groundTruth: GroundTruth;
  /** Pairwise samples: the output both completions are compared with (other_completion). */
  other?: string;
}

/** One sample per category a shipped grader decides. */
export const SAMPLES: ReadonlyMap<Category, SampleItem> = new Map([
  [
    Category.CATEGORY_MATH,
    {
      category: Category.CATEGORY_MATH,
      prompt: 'What is 6 * 7?',
      right: '6 * 7 = 42\n#### 42',
      wrong: '6 * 7 = 41\n#### 41',
      groundTruth: { kind: { $case: 'finalAnswer', finalAnswer: '42' } },
    },
  ],
  [
    Category.CATEGORY_CREATIVITY,
    {
      category: Category.CATEGORY_CREATIVITY,
      prompt: 'Which is the capital of France?\nA. Berlin\nB. Paris\nC. Rome\nD. Madrid',
      right: 'Answer: B',
      wrong: 'Answer: C',
      groundTruth: {
        kind: {
          $case: 'multipleChoice',
          multipleChoice: { answerLetter: 'B', choices: ['Berlin', 'Paris', 'Rome', 'Madrid'] },
        },
      },
    },
  ],
  [
    Category.CATEGORY_CODE,
    {
      category: Category.CATEGORY_CODE,
      prompt: 'Write a function add(a, b) that returns the sum.',
      right: 'def add(a, b):\n    return a + b\n',
      wrong: 'def add(a, b):\n    return a - b\n',
      groundTruth: {
        kind: {
          $case: 'code',
          code: {
            entryPoint: '',
            testProgram: '',
            asserts: ['assert add(2, 3) == 5', 'assert add(-1, 1) == 0'],
            setupCode: '',
            challengeAsserts: [],
          },
        },
      },
    },
  ],
]);

/** One sample per category for pairwise graders (GraderServiceDescribeResponse.pairwise). */
export const PAIRWISE_SAMPLES: ReadonlyMap<Category, SampleItem> = new Map([
  [
    Category.CATEGORY_MATH,
    {
      category: Category.CATEGORY_MATH,
      prompt: 'What is 6 * 7?',
      right: '6 * 7 = 42',
      wrong: '6 * 7 = 40',
      other: '6 * 7 = 41',
      groundTruth: { kind: { $case: 'finalAnswer', finalAnswer: '42' } },
    },
  ],
]);

/** A GradeItem from a sample: the right or the wrong completion under the given id. */
export function sampleItem(sample: SampleItem, id: string, right: boolean): GradeItem {
  return {
    id,
    category: sample.category,
    prompt: sample.prompt,
    completion: right ? sample.right : sample.wrong,
    groundTruth: sample.groundTruth,
    otherCompletion: sample.other ?? '',
  };
}
