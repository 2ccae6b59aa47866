// Translation between failmine.v1 messages and the domain types. Only server.ts uses it: the
// domain modules never see a contract type.
import { categoryLabel, categoryOf } from '@failmine/clients';
import {
  Category,
  type DatasetInfo,
  type Example,
  type GroundTruth as GroundTruthMessage,
  type TrainingRecord,
  type TrainingSetOptions,
  type WriteTrainingSetRequest,
} from '@failmine/contracts';
import type { Category as DomainCategory, FormattedExample, GroundTruth } from '@failmine/problems';
import { InvalidArgumentError } from '@failmine/runtime';
import type { DatasetSource } from './loaders/dataset-registry.js';
import type { TrainingRecordInput } from './training-set/training-set-writer.js';

/** A request's category: undefined for UNSPECIFIED, InvalidArgumentError for unknown numbers. */
export function categoryFromContract(category: Category, field = 'category'): DomainCategory | undefined {
  if (category === Category.CATEGORY_UNSPECIFIED) return undefined;
  const label = categoryLabel(category);
  if (label === '') throw new InvalidArgumentError(`${field} ${category} is not a known category`);
  return label;
}

/** The contract enum value of a domain category. */
export function categoryToContract(category: DomainCategory): Category {
  return categoryOf(category);
}

/** A formatted example as a failmine.v1.Example. */
export function exampleToContract(example: FormattedExample): Example {
  return {
    id: example.id,
    category: categoryToContract(example.category),
    dataset: example.dataset,
    split: example.split,
    prompt: example.prompt,
    messages: example.messages.map((m) => ({ role: m.role, content: m.content })),
    groundTruth: groundTruthToContract(example.groundTruth),
    referenceSolution: example.referenceSolution,
    metadata: example.metadata,
  };
}

function groundTruthToContract(truth: GroundTruth): GroundTruthMessage {
  switch (truth.kind) {
    case 'final-answer':
      return { kind: { $case: 'finalAnswer', finalAnswer: truth.finalAnswer } };
    case 'code':
      return { kind: { $case: 'code', code: truth.code } };
    case 'multiple-choice':
      return {
        kind: {
          $case: 'multipleChoice',
          multipleChoice: { answerLetter: truth.answerLetter, choices: truth.choices },
        },
      };
    case 'open-ended':
      return { kind: { $case: 'openEnded', openEnded: truth.text } };
  }
}

/** A dataset and its split sizes as a failmine.v1.DatasetInfo. */
export function datasetInfoToContract(
  source: DatasetSource,
  sizes: { name: string; examples: number }[],
): DatasetInfo {
  return {
    name: source.name,
    category: categoryToContract(source.category),
    splits: sizes,
    path: source.path,
    license: source.license,
  };
}

/** A streamed TrainingRecord as the writer's input. */
export function trainingRecordFromContract(record: TrainingRecord): TrainingRecordInput {
  return {
    instruction: record.instruction,
    output: record.output,
    sourceId: record.sourceId,
    dataset: record.dataset,
    split: record.split,
    model: record.model,
    runId: record.runId,
  };
}

/**
 * Splits WriteTrainingSet's client stream into its options (which must come first, once) and
 * the records after them; a second options message or an empty item is the caller's error.
 */
export async function decodeTrainingSetStream(
  requests: AsyncIterable<WriteTrainingSetRequest>,
): Promise<{ options: TrainingSetOptions; records: AsyncGenerator<TrainingRecordInput> }> {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.item?.$case !== 'options')
    throw new InvalidArgumentError('WriteTrainingSet: the first message must carry options');
  async function* records(): AsyncGenerator<TrainingRecordInput> {
    for (let n = 2; ; n++) {
      const next = await iterator.next();
      if (next.done) return;
      const item = next.value.item;
      if (item?.$case !== 'record')
        throw new InvalidArgumentError(
          `WriteTrainingSet: message ${n} must carry a record, got ${item?.$case ?? 'nothing'}`,
        );
      yield trainingRecordFromContract(item.record);
    }
  }
  return { options: first.value.item.options, records: records() };
}
