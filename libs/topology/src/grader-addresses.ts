/**
 * The benchmark categories that have their own grader address flag. The same three names as
 * the coordinator's plan categories; the coordinator's `CategoryName` must stay assignable to
 * this type, so a new plan category fails to compile until it gets a flag here.
 */
export type GraderCategory = 'math' | 'code' | 'creativity';

/** Given grader addresses: one per category, and `--grader-address` for the categories without one. */
export interface GraderAddressOptions {
  graderAddress?: string;
  graderAddressMath?: string;
  graderAddressCode?: string;
  graderAddressCreativity?: string;
}

/** The grader of each category, where the caller gives one. */
export type GraderAddresses = Partial<Record<GraderCategory, string>>;

/** The given address of a category's grader: its own flag, else `--grader-address`, else none. */
export function givenGraderAddress(
  options: GraderAddressOptions,
  category: GraderCategory,
): string | undefined {
  const own = {
    math: options.graderAddressMath,
    code: options.graderAddressCode,
    creativity: options.graderAddressCreativity,
  }[category];
  return own || options.graderAddress || undefined;
}

/** The evaluator's `--grader-address-<category>` flags for the graders of these categories. */
export function evaluatorGraderArgs(graders: GraderAddresses): string[] {
  return Object.entries(graders).flatMap(([category, address]) =>
    address ? [`--grader-address-${category}`, address] : [],
  );
}
