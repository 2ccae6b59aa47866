import { CATEGORY_LABELS, type CategoryLabel } from '@failmine/clients';
import { InvalidArgumentError } from '@failmine/runtime';
import { type ZodError, z } from 'zod';
import type { GraderChoice } from './grader-choice.js';

/** Ground truth in the contract's JSON form (GroundTruth.toJSON), one oneof case set. */
export type GroundTruthJson =
  | { finalAnswer: string }
  | { multipleChoice: { answerLetter: string; choices: string[] } }
  | { code: { entryPoint: string; testProgram: string; asserts: string[]; setupCode: string } }
  | { openEnded: string };

/** An example of a dataset served by the dataset service, to take prompt and ground truth from. */
export interface DatasetRef {
  dataset: string;
  split: string;
  /** The full example id, e.g. "gsm8k/test/17". */
  exampleId: string;
}

/** One validated input line: what to grade and against what. */
export interface GradeInputLine {
  /** 1-based line number in the input file, for error messages. */
  line: number;
  id: string;
  completion: string;
  prompt: string;
  otherCompletion: string;
  category: CategoryLabel | undefined;
  /** Exactly one of groundTruth and datasetRef is set. */
  groundTruth: GroundTruthJson | undefined;
  datasetRef: DatasetRef | undefined;
}

const lineSchema = z
  .object({
    id: z.string().min(1),
    completion: z.string(),
    prompt: z.string().optional(),
    other_completion: z.string().optional(),
    category: z.enum(CATEGORY_LABELS).optional(),
    choices: z.array(z.string()).optional(),
    ground_truth: z.unknown().optional(),
    dataset: z.string().min(1).optional(),
    split: z.string().min(1).optional(),
    example_id: z.union([z.string().min(1), z.number().int().min(0)]).optional(),
  })
  .strict();

type RawLine = z.output<typeof lineSchema>;

const finalAnswerSchema = z.union([z.string().trim().min(1), z.number().transform(String)]);
const letterSchema = z
  .string()
  .regex(/^[A-Da-d]$/, 'expected one letter A-D')
  .transform((s) => s.toUpperCase());
const codeSchema = z.union([
  z.object({ entry_point: z.string().min(1), test_program: z.string().min(1) }).strict(),
  z.object({ asserts: z.array(z.string().min(1)).min(1), setup_code: z.string().optional() }).strict(),
]);

/**
 * Parses and validates a JSONL file of completions for one grader. Every line must be a JSON
 * object with `id`, `completion` and either `ground_truth` (its form depends on the grader)
 * or `dataset` + `split` + `example_id`. Blank lines are skipped. The first bad line throws
 * InvalidArgumentError naming `file:line` and the field; ids must be unique.
 */
export function parseGradeInput(text: string, file: string, grader: GraderChoice): GradeInputLine[] {
  const out: GradeInputLine[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const where = `${file}:${line}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new InvalidArgumentError(`${where}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) throw new InvalidArgumentError(`${where}: ${firstIssue(parsed.error)}`);
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      throw new InvalidArgumentError(`${where}: field "id": "${parsed.data.id}" repeats line ${first}`);
    }
    seen.set(parsed.data.id, line);
    out.push(toInputLine(parsed.data, line, where, grader));
  });
  if (out.length === 0) throw new InvalidArgumentError(`${file}: no lines to grade`);
  return out;
}

function toInputLine(data: RawLine, line: number, where: string, grader: GraderChoice): GradeInputLine {
  const refFields = (['dataset', 'split', 'example_id'] as const).filter((k) => data[k] !== undefined);
  const hasTruth = data.ground_truth !== undefined;
  if (hasTruth && refFields.length > 0) {
    throw new InvalidArgumentError(
      `${where}: give either "ground_truth" or "dataset"/"split"/"example_id", not both`,
    );
  }
  if (grader.kind === 'pairwise-judge' && data.other_completion === undefined) {
    throw new InvalidArgumentError(
      `${where}: field "other_completion": required by the pairwise-judge grader`,
    );
  }
  let datasetRef: DatasetRef | undefined;
  if (refFields.length > 0) {
    const missing = (['dataset', 'split', 'example_id'] as const).find((k) => data[k] === undefined);
    if (missing)
      throw new InvalidArgumentError(`${where}: field "${missing}": required with a dataset reference`);
    datasetRef = datasetRefOf(data.dataset as string, data.split as string, String(data.example_id));
  } else if (!hasTruth && grader.kind !== 'pairwise-judge') {
    throw new InvalidArgumentError(
      `${where}: field "ground_truth": required (or "dataset" + "split" + "example_id")`,
    );
  }
  return {
    line,
    id: data.id,
    completion: data.completion,
    prompt: data.prompt ?? '',
    otherCompletion: data.other_completion ?? '',
    category: data.category,
    groundTruth: datasetRef ? undefined : groundTruthOf(data, where, grader),
    datasetRef,
  };
}

// "17" and "gsm8k/test/17" name the same example.
function datasetRefOf(dataset: string, split: string, exampleId: string): DatasetRef {
  const prefix = `${dataset}/${split}/`;
  return { dataset, split, exampleId: exampleId.startsWith(prefix) ? exampleId : prefix + exampleId };
}

function groundTruthOf(data: RawLine, where: string, grader: GraderChoice): GroundTruthJson {
  const field = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    if (!r.success) throw new InvalidArgumentError(`${where}: ${firstIssue(r.error, 'ground_truth')}`);
    return r.data;
  };
  switch (grader.truth) {
    case 'finalAnswer':
      return { finalAnswer: field(finalAnswerSchema, data.ground_truth) as string };
    case 'multipleChoice':
      return {
        multipleChoice: {
          answerLetter: field(letterSchema, data.ground_truth) as string,
          choices: data.choices ?? [],
        },
      };
    case 'code': {
      const c = field(codeSchema, data.ground_truth) as z.output<typeof codeSchema>;
      return 'entry_point' in c
        ? { code: { entryPoint: c.entry_point, testProgram: c.test_program, asserts: [], setupCode: '' } }
        : { code: { entryPoint: '', testProgram: '', asserts: c.asserts, setupCode: c.setup_code ?? '' } };
    }
    case 'any':
      // The judge compares two outputs and never sees the ground truth; the contract still wants one.
      return {
        openEnded: data.ground_truth === undefined ? '' : (field(z.string(), data.ground_truth) as string),
      };
  }
}

// One line of error: the first issue with its field path, e.g. `field "ground_truth.asserts.0": ...`.
function firstIssue(error: ZodError, prefix?: string): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const at = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `unknown field "${at ? `${at}.` : ''}${keys[0]}"`;
  }
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  // zod says "Invalid input: expected string, received undefined" for a missing key.
  const message = /received undefined$/.test(issue.message) ? 'required' : issue.message;
  return path ? `field "${path}": ${message}` : message;
}
