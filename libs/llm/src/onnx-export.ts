import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '@failmine/onnx-graph';
import { buildDecoder } from './decoder-graph.js';
import { type HfModelToWrite, writeHfDirectory } from './hf-directory.js';
import { writeAtomically } from './safetensors-writer.js';

/** Where the ONNX decoder goes inside an export directory (transformers.js looks there). */
export const ONNX_MODEL_FILE = join('onnx', 'model.onnx');

/**
 * Writes an HF directory plus `onnx/model.onnx`: the decoder with KV cache under optimum's
 * input/output names, so transformers.js (and other optimum-style runtimes) can load it.
 * Weights are stored inside the ONNX file, which limits exports to models under 2 GB.
 */
export async function writeOnnxExport(dir: string, model: HfModelToWrite): Promise<void> {
  await writeHfDirectory(dir, model);
  const g = new GraphBuilder(`${model.config.model_type}_decoder`);
  buildDecoder(g, model.config, model.weights, { kvCache: true });
  const bytes = g.toBytes({ metadata: { producer: 'failmine', model_type: model.config.model_type } });
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeAtomically(join(dir, ONNX_MODEL_FILE), bytes);
}
