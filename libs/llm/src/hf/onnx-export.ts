import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '@failmine/onnx-graph';
import { buildDecoder } from '../model/decoder-graph.js';
import { EXTERNAL_DATA_THRESHOLD_BYTES } from '../model/decoder-session.js';
import { writeAtomically } from '../safetensors/safetensors-writer.js';
import { type HfModelToWrite, writeHfDirectory } from './hf-directory.js';

/** Where the ONNX decoder goes inside an export directory (transformers.js looks there). */
export const ONNX_MODEL_FILE = join('onnx', 'model.onnx');

/**
 * Writes an HF directory plus `onnx/model.onnx`: the decoder with KV cache under optimum's
 * input/output names, so transformers.js (and other optimum-style runtimes) can load it.
 * Large models keep their weights in `onnx/model.onnx_data` (ONNX external data; load with
 * transformers.js's `use_external_data_format: true`).
 */
export async function writeOnnxExport(
  dir: string,
  model: HfModelToWrite,
  options: { externalData?: 'auto' | 'always' | 'never' } = {},
): Promise<void> {
  await writeHfDirectory(dir, model);
  const g = new GraphBuilder(`${model.config.model_type}_decoder`);
  buildDecoder(g, model.config, model.weights, { kvCache: true });
  const metadata = { producer: 'failmine', model_type: model.config.model_type };
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const weightBytes = [...model.weights.values()].reduce((a, t) => a + t.data.byteLength, 0);
  const mode = options.externalData ?? 'auto';
  if (mode === 'always' || (mode === 'auto' && weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES)) {
    await g.writeWithExternalData(join(dir, ONNX_MODEL_FILE), { metadata });
  } else {
    await writeAtomically(join(dir, ONNX_MODEL_FILE), g.toBytes({ metadata }));
  }
}
