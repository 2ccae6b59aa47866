// Time per LoRA training step (forward + backward on ORT, clipping and AdamW on the host) at a
// fixed tiny Llama config and batch, and the process's peak RSS. Writes
// bench-results/trainer-step.json at the repo root.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TRAINING_DEFAULTS } from '@failmine/training';
import { runTrainingJob } from '../src/training-job.js';
import { writeRecords, writeTinyModel } from '../test/support/tiny-model.js';

const MODEL = {
  hidden_size: 64,
  intermediate_size: 172,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
};
const BATCH = 8;
// Every record renders (chat template) to exactly SEQ_LEN characters = tokens: one fixed [8, 128] batch shape.
const SEQ_LEN = 128;
const WARMUP_STEPS = 3;
const TIMED_STEPS = 20;
const LORA = {
  r: 8,
  lora_alpha: 16,
  lora_dropout: 0,
  target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const,
};

function records(n: number): { instruction: string; output: string }[] {
  // "user: " + 60 + "\nassistant: " + output + "\n" = SEQ_LEN characters.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const text = (i: number, len: number) =>
    Array.from({ length: len }, (_, k) => letters[(i * 7 + k * 3) % 26]).join('');
  return Array.from({ length: n }, (_, i) => ({
    instruction: text(i, 60),
    output: text(i + 1, SEQ_LEN - 60 - 19),
  }));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'failmine-train-bench-'));
try {
  const modelDir = await writeTinyModel(join(dir, 'model'), MODEL);
  // One step more than timed + warmup: the last step also writes the final checkpoint, so it is dropped.
  const data = await writeRecords(dir, 'bench.jsonl', records(BATCH * (WARMUP_STEPS + TIMED_STEPS + 1)));
  const threads = availableParallelism();
  const job = runTrainingJob(
    {
      jobId: 'bench',
      modelDir,
      datasets: [{ path: data }],
      options: {
        ...TRAINING_DEFAULTS,
        lora: { ...LORA, target_modules: [...LORA.target_modules] },
        epochs: 1,
        batchSize: BATCH,
        learningRate: 1e-3,
      },
      resume: false,
    },
    join(dir, 'ckpt'),
    { device: 'cpu', threads },
  );
  const startedAt = performance.now();
  const stepMs: number[] = [];
  let last = performance.now();
  let setupMs = 0;
  for (let next = await job.next(); !next.done; next = await job.next()) {
    const now = performance.now();
    if (next.value.step === 1) setupMs = now - startedAt;
    stepMs.push(now - last);
    last = now;
  }
  const timed = stepMs.slice(WARMUP_STEPS, WARMUP_STEPS + TIMED_STEPS);
  const result = {
    bench: 'trainer LoRA training step (forward+backward on ORT CPU, clip + AdamW on host)',
    command: 'cd services/trainer && npm run bench',
    model: { model_type: 'llama', ...MODEL, vocab_size: 45 },
    lora: LORA,
    batch: BATCH,
    seqLen: SEQ_LEN,
    threads,
    warmupSteps: WARMUP_STEPS,
    timedSteps: TIMED_STEPS,
    medianStepMs: median(timed),
    minStepMs: Math.min(...timed),
    maxStepMs: Math.max(...timed),
    tokensPerSecond: (BATCH * SEQ_LEN) / (median(timed) / 1000),
    firstStepIncludingSetupMs: setupMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    measuredAt: new Date().toISOString(),
  };
  const out = resolve(import.meta.dirname, '../../../bench-results/trainer-step.json');
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
