import { InvalidArgumentError } from '@failmine/runtime';

/** The plan's benchmark categories ("creativity" is MMLU, as the seed plan names it). */
export const CATEGORIES = ['math', 'code', 'creativity'] as const;

/** One benchmark category of the plan. */
export type CategoryName = (typeof CATEGORIES)[number];

/**
 * The datasets each category mines when a plan names none (the seed plan: GSM8K for math).
 * Code mines MBPP train and is validated on MBPP test; HumanEval (a test split only) is mined
 * only when a plan lists it.
 */
export const DEFAULT_DATASETS: Record<CategoryName, string[]> = {
  math: ['gsm8k'],
  code: ['mbpp'],
  creativity: ['mmlu'],
};

/** One dataset split: what extract mines or what validation holds out. */
export interface DatasetSplit {
  dataset: string;
  split: string;
}

interface DatasetInfo {
  category: CategoryName;
  /** The splits the dataset service serves for it (services/dataset/README.md). */
  splits: readonly string[];
  /** The split mined when the plan names none. */
  mine: string;
}

// The datasets each category may mine, with the split each mines by default. HumanEval has
// only a test split and MMLU no train split, so the default is per dataset: a plan-wide
// "train" would leave them nothing. MMLU mines `dev` (285) and is validated on `test`.
const DATASETS = new Map<string, DatasetInfo>([
  ['gsm8k', { category: 'math', splits: ['train', 'test'], mine: 'train' }],
  ['synthetic-math', { category: 'math', splits: ['train', 'test'], mine: 'train' }],
  ['mbpp', { category: 'code', splits: ['train', 'test', 'validation', 'prompt'], mine: 'train' }],
  ['humaneval', { category: 'code', splits: ['test'], mine: 'test' }],
  // `val` is served only when the data dir has it (the shipped copy has dev and test).
  ['mmlu', { category: 'creativity', splits: ['dev', 'val', 'test'], mine: 'dev' }],
]);

/** The grader kind that decides a category's verdicts. */
export const GRADER_KINDS: Readonly<Record<CategoryName, string>> = {
  math: 'gsm8k-numeric',
  code: 'code-exec',
  creativity: 'multiple-choice',
};

/** What these checks read of a plan's category entry (run-plan.ts's schema output). */
interface CategoryPlan {
  category: CategoryName;
  datasets: readonly string[];
  split?: string;
  /** Problems per dataset (0 = all); not read here. */
  limit?: number;
}

/** What these checks read of a whole plan. */
interface CategoryPlans {
  categories: readonly CategoryPlan[];
  validation: { split: string };
}

/** The datasets a category may list. */
export function datasetsOf(category: CategoryName): string[] {
  return [...DATASETS].filter(([, info]) => info.category === category).map(([name]) => name);
}

/** The datasets a category entry names, or its default ones when it names none. */
export function categoryDatasets(c: CategoryPlan): readonly string[] {
  return c.datasets.length > 0 ? c.datasets : DEFAULT_DATASETS[c.category];
}

/**
 * The split every one of these datasets (none = the category's defaults) mines by default,
 * when they agree (gsm8k: train); undefined when they differ or one is unknown.
 */
export function commonMiningSplit(category: CategoryName, datasets: readonly string[]): string | undefined {
  const names = datasets.length > 0 ? datasets : DEFAULT_DATASETS[category];
  const splits = new Set(names.map((d) => DATASETS.get(d)?.mine));
  const [only] = splits;
  return splits.size === 1 ? only : undefined;
}

/** What a category mines: each listed dataset's split (the plan's `split`, else the dataset's own). */
export function miningSplits(c: CategoryPlan): DatasetSplit[] {
  return categoryDatasets(c).map((dataset) => ({
    dataset,
    split: c.split ?? DATASETS.get(dataset)?.mine ?? 'train',
  }));
}

/**
 * The held-out set a category is validated on: the first listed dataset that has the plan's
 * validation split and does not mine it, so no validation item was trained on.
 */
export function validationSplit(plan: CategoryPlans, c: CategoryPlan): DatasetSplit | undefined {
  const split = plan.validation.split;
  const mined = new Set(plan.categories.flatMap(miningSplits).map(key));
  return categoryDatasets(c)
    .filter((dataset) => DATASETS.get(dataset)?.splits.includes(split))
    .map((dataset) => ({ dataset, split }))
    .find((s) => !mined.has(key(s)));
}

/**
 * Checks what zod cannot: each category once, its datasets belong to it, the splits exist,
 * and every category has a held-out set disjoint from everything mined. Errors name the key.
 */
export function checkCategorySets(plan: CategoryPlans, source: string): void {
  const seen = new Set<string>();
  plan.categories.forEach((c, i) => {
    const at = `${source}: categories[${i}]`;
    if (seen.has(c.category))
      throw new InvalidArgumentError(`${at}.category: "${c.category}" is listed twice`);
    seen.add(c.category);
    categoryDatasets(c).forEach((dataset, j) => {
      const info = DATASETS.get(dataset);
      if (info?.category !== c.category) {
        throw new InvalidArgumentError(
          `${at}.datasets[${j}]: "${dataset}" is not a ${c.category} dataset (${c.category}: ${datasetsOf(c.category).join(', ')})`,
        );
      }
      if (c.split !== undefined && !info.splits.includes(c.split)) {
        throw new InvalidArgumentError(
          `${at}.split: ${dataset} has no split "${c.split}" (splits: ${info.splits.join(', ')})`,
        );
      }
    });
    if (!validationSplit(plan, c)) {
      const mined = miningSplits(c).map((s) => `${s.dataset}/${s.split}`);
      throw new InvalidArgumentError(
        `${source}: validation.split: ${c.category} has no held-out "${plan.validation.split}" split ` +
          `that is not mined (it mines ${mined.join(', ')}); list a dataset with an unmined ` +
          `"${plan.validation.split}" split or choose another validation split`,
      );
    }
  });
}

function key(s: DatasetSplit): string {
  return `${s.dataset}/${s.split}`;
}
