// Benchmark (not a test): greedy tokens/s of failmine's batched generation against
// transformers.js on the same exported model and prompts, at batch 1 and 16.
// Run: npm run bench -w @failmine/llm  (writes bench-results/llm-generate.json at the repo root)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { generate } from '../src/generation/generate.js';
import { writeOnnxExport } from '../src/hf/onnx-export.js';
import { DecoderSession } from '../src/model/decoder-session.js';
import { initDecoderWeights } from '../src/model/init-weights.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { charTokenizerFiles } from '../src/tokenizer/char-tokenizer.js';
import { HfTokenizer } from '../src/tokenizer/tokenizer.js';

const NEW_TOKENS = 32;
const REPEATS = 3;
const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,?!\n#$%=+-*/()';
const tokenizerFiles = charTokenizerFiles(alphabet);
const vocab = Object.keys((tokenizerFiles.tokenizerJson.model as { vocab: object }).vocab).length;
// About 3.3 M parameters: the size class of the built-in tiny model.
const config = parseDecoderConfig({
  model_type: 'llama',
  hidden_size: 256,
  intermediate_size: 688,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  rms_norm_eps: 1e-5,
  max_position_embeddings: 512,
  vocab_size: vocab,
  bos_token_id: 1,
  eos_token_id: [],
  initializer_range: 0.5,
});
const weights = initDecoderWeights(config, 1);
const root = mkdtempSync(join(tmpdir(), 'failmine-bench-'));
await writeOnnxExport(join(root, 'bench-llama'), { config, weights, tokenizer: tokenizerFiles });

const prompts = Array.from(
  { length: 16 },
  (_, i) => `Question ${i}: a shop sells ${3 + i} apples at $${i + 2} each. Total?`,
);
const ours = new HfTokenizer(tokenizerFiles);
const session = await DecoderSession.create(config, weights);
env.allowRemoteModels = false;
env.localModelPath = root;
const theirTokenizer = await AutoTokenizer.from_pretrained('bench-llama', { local_files_only: true });
theirTokenizer.padding_side = 'left';
const theirModel = await AutoModelForCausalLM.from_pretrained('bench-llama', {
  local_files_only: true,
  dtype: 'fp32',
  session_options: { intraOpNumThreads: availableParallelism() },
});

async function timeOurs(batch: string[]): Promise<number> {
  const started = performance.now();
  const out = await generate(
    session,
    ours,
    batch.map((t, i) => ({ id: String(i), promptIds: ours.encode(t, { addSpecialTokens: true }), seed: 0 })),
    {
      max_new_tokens: NEW_TOKENS,
      temperature: 0,
      top_p: 1,
      top_k: 0,
      stop: [],
      eos_token_id: [],
      pad_token_id: 0,
    },
  );
  const tokens = out.reduce((a, o) => a + o.completionTokens, 0);
  return tokens / ((performance.now() - started) / 1000);
}

async function timeTheirs(batch: string[]): Promise<number> {
  const started = performance.now();
  const inputs = theirTokenizer(batch, { padding: true });
  await theirModel.generate({
    ...inputs,
    max_new_tokens: NEW_TOKENS,
    min_new_tokens: NEW_TOKENS,
    do_sample: false,
  });
  return (batch.length * NEW_TOKENS) / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results = [];
for (const size of [1, 16]) {
  const batch = prompts.slice(0, size);
  await timeOurs(batch); // warm-up
  await timeTheirs(batch);
  const oursTps: number[] = [];
  const theirsTps: number[] = [];
  // Interleaved, so machine noise hits both alike.
  for (let r = 0; r < REPEATS; r++) {
    oursTps.push(await timeOurs(batch));
    theirsTps.push(await timeTheirs(batch));
  }
  const row = {
    batch: size,
    failmine_tokens_per_s: Math.round(median(oursTps)),
    transformers_js_tokens_per_s: Math.round(median(theirsTps)),
    ratio_failmine_over_transformers_js: Number((median(oursTps) / median(theirsTps)).toFixed(2)),
  };
  results.push(row);
  console.log(JSON.stringify(row));
}

const out = {
  benchmark: 'greedy generation tokens/s, failmine vs transformers.js (same ONNX export, same prompts)',
  command: 'npm run bench -w @failmine/llm',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '' },
  model: {
    parameters: [...weights.values()].reduce((a, t) => a + t.data.length, 0),
    ...config,
    raw: undefined,
  },
  new_tokens: NEW_TOKENS,
  repeats: REPEATS,
  results,
};
const dir = new URL('../../../bench-results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('llm-generate.json', dir), `${JSON.stringify(out, null, 2)}\n`);
await session.release();
rmSync(root, { recursive: true, force: true });
