import { InvalidArgumentError } from '@failmine/runtime';
import type { DatasetRef, GradeInputLine } from './grade-input.js';
import {
  ExampleNotFoundError,
  type GradeExample,
  type GradeJobItem,
  type GradeServices,
  type GradeVerdict,
  ItemRefusedError,
} from './grade-services.js';
import type { GraderChoice } from './grader-choice.js';

/**
 * Grades validated input lines: looks dataset references up (one request per dataset split),
 * checks each ground truth is the kind the grader reads, and streams every item through the
 * grader. Returns one verdict per line, in line order. A reference to a missing example, a
 * ground truth of the wrong kind, or an item the grader refuses throws InvalidArgumentError
 * naming `file:line`.
 */
export async function runGrade(
  services: GradeServices,
  lines: readonly GradeInputLine[],
  grader: GraderChoice,
  options: { file: string; mode: string; signal: AbortSignal },
): Promise<GradeVerdict[]> {
  const examples = await lookUpReferences(services, lines, options.file, options.signal);
  const items = lines.map((line) => jobItem(line, examples, grader, options.file));
  let verdicts: GradeVerdict[];
  try {
    verdicts = await services.grade(items, options.mode, options.signal);
  } catch (err) {
    if (!(err instanceof ItemRefusedError)) throw err;
    const line = lines[err.index];
    throw new InvalidArgumentError(
      `${options.file}:${line?.line ?? '?'}: the ${grader.kind} grader refused the item: ${err.message}`,
    );
  }
  if (verdicts.length !== items.length || verdicts.some((v, i) => v.id !== items[i]?.id)) {
    throw new Error(
      `the grader answered ${verdicts.length} verdicts for ${items.length} items, or out of order`,
    );
  }
  return verdicts;
}

async function lookUpReferences(
  services: GradeServices,
  lines: readonly GradeInputLine[],
  file: string,
  signal: AbortSignal,
): Promise<Map<string, GradeExample>> {
  const bySplit = new Map<string, { ref: DatasetRef; lines: GradeInputLine[] }>();
  for (const line of lines) {
    if (!line.datasetRef) continue;
    const key = `${line.datasetRef.dataset}\u0000${line.datasetRef.split}`;
    const group = bySplit.get(key) ?? { ref: line.datasetRef, lines: [] };
    group.lines.push(line);
    bySplit.set(key, group);
  }
  const found = new Map<string, GradeExample>();
  for (const { ref, lines: group } of bySplit.values()) {
    const ids = [...new Set(group.map((l) => l.datasetRef?.exampleId ?? ''))];
    try {
      for (const example of await services.examples(ref.dataset, ref.split, ids, signal))
        found.set(example.id, example);
    } catch (err) {
      if (!(err instanceof ExampleNotFoundError)) throw err;
      // The service names the first missing id; point at its line, else at the group's first.
      const culprit = group.find((l) => err.message.includes(`"${l.datasetRef?.exampleId}"`)) ?? group[0];
      throw new InvalidArgumentError(
        `${file}:${culprit?.line ?? '?'}: field "example_id": ${ref.dataset} ${ref.split}: ${err.message}`,
      );
    }
  }
  return found;
}

function jobItem(
  line: GradeInputLine,
  examples: ReadonlyMap<string, GradeExample>,
  grader: GraderChoice,
  file: string,
): GradeJobItem {
  const where = `${file}:${line.line}`;
  if (!line.datasetRef) {
    return {
      id: line.id,
      category: line.category ?? grader.category,
      prompt: line.prompt,
      completion: line.completion,
      otherCompletion: line.otherCompletion,
      groundTruth: line.groundTruth ?? { openEnded: '' },
    };
  }
  const example = examples.get(line.datasetRef.exampleId);
  if (!example)
    throw new InvalidArgumentError(
      `${where}: field "example_id": ${line.datasetRef.exampleId} was not served`,
    );
  const kind = Object.keys(example.groundTruth)[0];
  if (grader.truth !== 'any' && kind !== grader.truth) {
    throw new InvalidArgumentError(
      `${where}: ${example.id} carries a ${kind ?? 'missing'} ground truth, which the ${grader.kind} grader cannot read`,
    );
  }
  return {
    id: line.id,
    category: line.category ?? example.category,
    prompt: line.prompt || example.prompt,
    completion: line.completion,
    otherCompletion: line.otherCompletion,
    groundTruth: example.groundTruth,
  };
}
