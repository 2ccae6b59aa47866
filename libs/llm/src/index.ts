// The public API of @failmine/llm. Every export here is a promise to other packages: add one only
// when a second package needs it.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// HF model directories: config.json + safetensors + tokenizer files, read checked and written loadable.

export type { HfModel, HfModelToWrite } from './hf/hf-directory.js';
export { readHfDirectory, writeHfDirectory } from './hf/hf-directory.js';
export { checkDecoderWeights, expectedDecoderWeights } from './model/expected-weights.js';

// Safetensors files (F32, F16, BF16 on disk; float32 in memory), single and sharded.

export type { SafetensorsDType } from './safetensors/safetensors-dtype.js';
export { readShardedSafetensors } from './safetensors/safetensors-index.js';
export type {
  SafetensorsContents,
  SafetensorsHeader,
  SafetensorsTensorInfo,
} from './safetensors/safetensors-reader.js';
export { readSafetensors, readSafetensorsHeader } from './safetensors/safetensors-reader.js';
export type { SafetensorsWriteOptions, ShardedWriteOptions } from './safetensors/safetensors-writer.js';
export { writeSafetensors, writeShardedSafetensors } from './safetensors/safetensors-writer.js';

// Tokenizer (tokenizer.json + tokenizer_config.json) and chat templates.

export type { ChatMessage, TokenizerFiles } from './tokenizer/tokenizer.js';
export { HfTokenizer, loadTokenizer } from './tokenizer/tokenizer.js';

// Model configuration and weights.

export type { DecoderConfig, Llama3RopeScaling, ModelType } from './model/model-config.js';
export { parseDecoderConfig, ropeInverseFrequencies, SUPPORTED_MODEL_TYPES } from './model/model-config.js';
export type { Weights, WeightTensor } from './model/weights.js';

// The decoder as an ONNX graph, and its onnxruntime session.

export type { DecoderGraphOptions } from './model/decoder-graph.js';
export { buildDecoder } from './model/decoder-graph.js';
export type { DecoderSessionOptions, DecoderStep, Device, KvCache } from './model/decoder-session.js';
export { DecoderSession, EXTERNAL_DATA_THRESHOLD_BYTES } from './model/decoder-session.js';

// LoRA adapters in PEFT's format: config and init, the decoder-graph hook (inference or training
// inputs, dropout masks), the adapter directory (read checked, written deterministic), and merging.

export type { LoraConfig, LoraConfigInput, LoraTargetModule } from './lora/lora-config.js';
export { createLoraConfig, LORA_TARGET_MODULES, loraScaling } from './lora/lora-config.js';
export type { LinearHook, LoraHookOptions } from './lora/lora-graph.js';
export { loraDropoutMaskName, loraDropoutMasks, loraLinearHook } from './lora/lora-graph.js';
export { mergeLoraAdapter, writeMergedHfDirectory } from './lora/lora-merge.js';
export type { LoraAdapter, LoraModule } from './lora/lora-weights.js';
export { initLoraAdapter, loraKey, loraModules } from './lora/lora-weights.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  readLoraAdapter,
  writeLoraAdapter,
} from './lora/peft-adapter.js';

// Generation: batched loop, logits processors, sampler, stopping.

export type {
  GenerateHooks,
  GenerationConfig,
  GenerationInput,
  GenerationOutput,
  GenerationTokenizer,
} from './generation/generate.js';
export { generate, processorsFor } from './generation/generate.js';
export type { LogitsProcessor } from './generation/logits-processors.js';
export {
  applyProcessors,
  softmax,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './generation/logits-processors.js';
export { argmax, sampleFromLogits, seededRandom } from './generation/sampler.js';
export type { FinishReason } from './generation/stopping.js';
export { findStop } from './generation/stopping.js';

// Building blocks of new models: a character tokenizer and HF-style initialization.

export { initDecoderWeights } from './model/init-weights.js';
export { CHAR_SPECIAL_TOKENS, charTokenizerFiles } from './tokenizer/char-tokenizer.js';

// Export for other runtimes: an HF directory plus onnx/model.onnx (optimum names, KV cache).

export { ONNX_MODEL_FILE, writeOnnxExport } from './hf/onnx-export.js';

// An untrained llama with a character tokenizer: deployment smoke tests and test fixtures.

export type { RandomLlamaOptions } from './hf/random-model.js';
export { PRINTABLE_ASCII, writeRandomLlama } from './hf/random-model.js';
