import { type CategoryLabel, categoryLabel } from '@failmine/clients';
import { InvalidArgumentError } from '@failmine/runtime';
import { GRADER_CATEGORIES, GRADER_KINDS, type GraderKind } from '../grader-kinds.js';

/** What `failmine-grade --grader <name>` resolves to. */
export interface GraderChoice {
  kind: GraderKind;
  /** Category sent with an item that names none: the kind's first (pairwise-judge handles all three). */
  category: CategoryLabel;
  /** The ground truth kind the grader reads (GroundTruth's oneof case); "any" for the judge. */
  truth: GroundTruthCase;
}

/** A GroundTruth oneof case in its JSON name, or "any" for a grader that reads none. */
export type GroundTruthCase = 'finalAnswer' | 'multipleChoice' | 'code' | 'any';

const TRUTH_OF: Record<GraderKind, GroundTruthCase> = {
  'gsm8k-numeric': 'finalAnswer',
  'multiple-choice': 'multipleChoice',
  'code-exec': 'code',
  // The judge compares two outputs and never reads the ground truth.
  'pairwise-judge': 'any',
};

// The seed's short name ("gsm8k") and every service kind are accepted.
const ALIASES: ReadonlyMap<string, GraderKind> = new Map<string, GraderKind>([
  ['gsm8k', 'gsm8k-numeric'],
  ...GRADER_KINDS.map((kind): [string, GraderKind] => [kind, kind]),
]);

/** The grader a --grader value names; an unknown name throws, listing the known ones. */
export function resolveGrader(name: string | undefined): GraderChoice {
  const known = [...ALIASES.keys()].join(', ');
  if (name === undefined) throw new InvalidArgumentError(`--grader is required; one of ${known}`);
  const kind = ALIASES.get(name);
  if (!kind) throw new InvalidArgumentError(`unknown grader "${name}"; known: ${known}`);
  const first = GRADER_CATEGORIES[kind][0];
  const category = first === undefined ? '' : categoryLabel(first);
  if (category === '') throw new Error(`grader kind ${kind} declares no category`);
  return { kind, category, truth: TRUTH_OF[kind] };
}
