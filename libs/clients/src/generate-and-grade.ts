// The one generate-and-grade pipeline: completions of a batch of problems from the inference
// service, then a verdict on each from a grader, every answer checked against what was asked.
// Extract runs both stages per leased batch; Compare runs the stages per side (its resume
// state records completions and verdicts separately).
import type {
  Category,
  GradeItem,
  GradeOptions,
  GroundTruth,
  SamplingParams,
  Verdict,
} from '@failmine/contracts';
import type { CallScope } from './call-scope.js';
import type { GraderClient } from './grader-client.js';
import type { GeneratedText, InferenceClient, PromptText } from './inference-client.js';

/** One problem on its way through the pipeline: what the model sees and what the grader checks. */
export interface PipelineItem {
  /** Unique within a batch: the prompt id and the grade item id. */
  id: string;
  prompt: string;
  category: Category;
  /** As the dataset service parsed it; handed to the grader unchanged. */
  groundTruth: GroundTruth | undefined;
}

/** A problem with its completion and the grader's verdict on it. */
export interface GradedCompletion {
  item: PipelineItem;
  completion: GeneratedText;
  verdict: Verdict;
}

/** Where a batch is generated: a loaded model and how to sample it. */
export interface GenerationStage {
  inference: InferenceClient;
  modelId: string;
  sampling: Partial<SamplingParams>;
}

/** Where a batch is graded. */
export interface GradingStage {
  grader: GraderClient;
  options?: Partial<GradeOptions> | undefined;
}

/** Completions of a batch in prompt order; throws naming the first prompt that got none. */
export function generateBatch(
  stage: GenerationStage,
  prompts: readonly PromptText[],
  scope: CallScope,
): Promise<GeneratedText[]> {
  const completions = stage.inference.generate(stage.modelId, prompts, stage.sampling, scope);
  return completionsInOrder(prompts, completions, `model ${stage.modelId}`);
}

/** The verdicts of one Grade stream as they come; throws on a verdict for an item never asked. */
export function gradeItems(
  stage: GradingStage,
  items: readonly GradeItem[],
  scope: CallScope,
): AsyncGenerator<Verdict> {
  const verdicts = stage.grader.grade(items, stage.options, scope);
  return askedOnly(
    items.map((i) => i.id),
    verdicts,
    (v) => v.itemId,
  );
}

/**
 * The first check of the generate stage, for any source of completions (a model, an endpoint):
 * the completions of `prompts` in prompt order, whatever order they streamed in; throws naming
 * `source` and the first prompt that got none.
 */
export async function completionsInOrder<T extends { promptId: string }>(
  prompts: readonly { id: string }[],
  completions: AsyncIterable<T>,
  source: string,
): Promise<T[]> {
  const byId = new Map<string, T>();
  for await (const c of completions) byId.set(c.promptId, c);
  return prompts.map((p) => {
    const c = byId.get(p.id);
    if (!c) throw new Error(`${source} returned no completion for item "${p.id}"`);
    return c;
  });
}

/** The check of the grade stage, for any grader: passes verdicts on, refusing one for an item never asked. */
export async function* askedOnly<T>(
  asked: Iterable<string>,
  verdicts: AsyncIterable<T>,
  idOf: (verdict: T) => string,
): AsyncGenerator<T> {
  const ids = new Set(asked);
  for await (const verdict of verdicts) {
    if (!ids.has(idOf(verdict))) throw new Error(`the grader answered unknown item "${idOf(verdict)}"`);
    yield verdict;
  }
}

/** The grade item of a problem and a completion of it. */
export function gradeItemOf(item: PipelineItem, completion: string, otherCompletion = ''): GradeItem {
  return {
    id: item.id,
    category: item.category,
    prompt: item.prompt,
    completion,
    groundTruth: item.groundTruth,
    otherCompletion,
  };
}

/** One batch through both stages: every problem generated, then graded against its ground truth. */
export async function generateAndGrade(
  batch: readonly PipelineItem[],
  generation: GenerationStage,
  grading: GradingStage,
  scope: CallScope,
): Promise<GradedCompletion[]> {
  const completions = await generateBatch(
    generation,
    batch.map((item) => ({ id: item.id, text: item.prompt })),
    scope,
  );
  const verdicts = new Map<string, Verdict>();
  const items = batch.map((item, i) => gradeItemOf(item, completions[i]?.text ?? ''));
  for await (const v of gradeItems(grading, items, scope)) verdicts.set(v.itemId, v);
  return batch.map((item, i) => {
    const verdict = verdicts.get(item.id);
    if (!verdict) throw new Error(`the grader returned no verdict for item "${item.id}"`);
    return { item, completion: completions[i] as GeneratedText, verdict };
  });
}
