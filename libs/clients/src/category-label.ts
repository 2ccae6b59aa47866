import { Category } from '@failmine/contracts';

/** A category as plans, files and messages write it; "" is CATEGORY_UNSPECIFIED. */
export type CategoryLabel = 'math' | 'code' | 'creativity';

/** Every label, in the contract's order. */
export const CATEGORY_LABELS: readonly CategoryLabel[] = ['math', 'code', 'creativity'];

const ENUM_OF: ReadonlyMap<string, Category> = new Map<string, Category>([
  ['', Category.CATEGORY_UNSPECIFIED],
  ['math', Category.CATEGORY_MATH],
  ['code', Category.CATEGORY_CODE],
  ['creativity', Category.CATEGORY_CREATIVITY],
]);

const LABEL_OF: ReadonlyMap<Category, CategoryLabel | ''> = new Map(
  [...ENUM_OF].map(([label, value]) => [value, label as CategoryLabel | '']),
);

/** The contract enum of a label ("" = unspecified); throws naming the labels for any other text. */
export function categoryOf(label: string): Category {
  const category = ENUM_OF.get(label);
  if (category === undefined) {
    throw new Error(`"${label.slice(0, 40)}" is not a category (categories: ${CATEGORY_LABELS.join(', ')})`);
  }
  return category;
}

/** The label of a contract enum value; "" for unspecified or a value this build does not know. */
export function categoryLabel(category: Category): CategoryLabel | '' {
  return LABEL_OF.get(category) ?? '';
}
