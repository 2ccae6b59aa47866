// Writing what training produced: a PEFT adapter directory (LoRA) or a full HF model directory,
// under the job directory (and output_dir when given), plus its packed tar bytes.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type HfModel, type LoraAdapter, writeHfDirectory, writeLoraAdapter } from '@failmine/llm';
import { packDirectory } from '@failmine/runtime';

/** The written output. */
export interface TrainedModel {
  /** <job dir>/output: the adapter (or model) directory. */
  outputDir: string;
  /** output_dir's copy, when one was asked for. */
  outputPath: string | undefined;
  /** The directory packed with packDirectory (deterministic bytes). */
  packed: Buffer;
  kind: 'lora-adapter' | 'hf-model';
}

/** Writes the adapter (or full model) directory and packs it. */
export async function writeTrainedModel(
  model: HfModel,
  adapter: LoraAdapter | null,
  jobDir: string,
  extraDir?: string,
): Promise<TrainedModel> {
  const outputDir = join(jobDir, 'output');
  const dirs = extraDir ? [outputDir, extraDir] : [outputDir];
  // A stale file from an earlier run of the job must not ride along in the packed output. NOTE:
  // output_dir is the caller's and is written over, never emptied.
  await rm(outputDir, { recursive: true, force: true });
  for (const dir of dirs) {
    if (adapter) await writeLoraAdapter(dir, adapter, model.config);
    else
      await writeHfDirectory(dir, {
        config: model.config,
        weights: model.weights,
        tokenizer: model.tokenizer,
      });
  }
  return {
    outputDir,
    outputPath: extraDir,
    packed: await packDirectory(outputDir),
    kind: adapter ? 'lora-adapter' : 'hf-model',
  };
}
