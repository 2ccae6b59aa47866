import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError, writeFileAtomic } from '@failmine/runtime';
import type { DatasetRegistry } from '../loaders/dataset-registry.js';
import { LeakageIndex } from './leakage-check.js';
import { resolveUnder } from './output-paths.js';
import {
  type BuiltTrainingSet,
  buildTrainingSet,
  checkRecord,
  type TrainingRecordInput,
} from './training-set-writer.js';

/** Options of one training-set write (WriteTrainingSet's first message, in domain terms). */
export interface TrainingSetRequest {
  /** File name, e.g. "math_training_ready.jsonl". */
  name: string;
  dedup: boolean;
  /** "dataset/split" names whose questions must not appear, e.g. "gsm8k/test". */
  leakageSplits: readonly string[];
  leakageReportOnly: boolean;
  /** Relative path under the output directory to also write the file to; "" for none. */
  outputPath: string;
}

/** A written training set: the built bytes, their names, and where they landed on disk. */
export interface WrittenTrainingSet extends BuiltTrainingSet {
  name: string;
  provenanceName: string;
  /** Absolute paths written under the output directory, when output_path was given. */
  files: { jsonl: string; provenance: string } | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.jsonl$/;

/** The sidecar's name: "math_training_ready.jsonl" -> "math_training_ready.provenance.jsonl". */
export function provenanceNameOf(name: string): string {
  return name.replace(/\.jsonl$/, '.provenance.jsonl');
}

/**
 * Collects the streamed records, checks them and the options, builds the set (dedup, leakage
 * against the named evaluation splits) and, with an output path, writes the sidecar and then
 * the JSONL atomically. Every check runs before the first byte is written, so a refused set
 * leaves nothing on disk.
 */
export async function writeTrainingSet(
  env: { registry: DatasetRegistry; outputDir: string },
  request: TrainingSetRequest,
  records: AsyncIterable<TrainingRecordInput>,
): Promise<WrittenTrainingSet> {
  if (!NAME.test(request.name) || request.name.endsWith('.provenance.jsonl'))
    throw new InvalidArgumentError(`options.name must be a file name ending .jsonl, got "${request.name}"`);
  const target =
    request.outputPath === ''
      ? undefined
      : resolveUnder(env.outputDir, request.outputPath, 'options.output_path');
  if (target !== undefined && !target.endsWith('.jsonl'))
    throw new InvalidArgumentError(`options.output_path must end .jsonl, got "${request.outputPath}"`);
  const leakage = await leakageIndex(env.registry, request.leakageSplits);
  const collected: TrainingRecordInput[] = [];
  for await (const record of records) {
    checkRecord(record, collected.length);
    collected.push(record);
  }
  const built = buildTrainingSet(collected, {
    dedup: request.dedup,
    leakage,
    leakageReportOnly: request.leakageReportOnly,
  });
  let files: WrittenTrainingSet['files'];
  if (target !== undefined) {
    files = { jsonl: target, provenance: provenanceNameOf(target) };
    // Sidecar first: a JSONL file is never on disk without its provenance.
    await writeFileAtomic(files.provenance, built.provenance);
    await writeFileAtomic(files.jsonl, built.jsonl);
  }
  return { ...built, name: request.name, provenanceName: provenanceNameOf(request.name), files };
}

async function leakageIndex(
  registry: DatasetRegistry,
  splits: readonly string[],
): Promise<LeakageIndex | undefined> {
  if (splits.length === 0) return undefined;
  const examples: SourceExample[] = [];
  for (const name of splits) {
    const slash = name.lastIndexOf('/');
    if (slash <= 0 || slash === name.length - 1)
      throw new InvalidArgumentError(
        `options.leakage_splits: "${name}" must be "dataset/split", e.g. "gsm8k/test"`,
      );
    const source = await registry.get(name.slice(0, slash));
    examples.push(...(await registry.load(source, name.slice(slash + 1))));
  }
  return new LeakageIndex(examples);
}
