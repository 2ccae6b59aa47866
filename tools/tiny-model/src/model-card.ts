// README.md of the model directory, rendered from recipe-result.json (and the generation
// benchmark's JSON when it has been run), so every figure in it was measured.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecipeResult } from './recipe-result.js';

/** What bench/generate.bench.ts writes (the fields the card shows). */
export interface GenerateBench {
  threads: number;
  meanPromptTokens: number;
  machine: { cpus: number; loadAverage1m: number };
  rows: {
    batchSize: number;
    secondsPer500: number;
    tokensPerSecond: number;
    generatedTokens: number;
    accuracy: number;
  }[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** Renders the model card (Markdown) of a run. */
export function modelCard(r: RecipeResult, bench: GenerateBench | null): string {
  const m = r.recipe.model;
  const t = r.recipe.training;
  const e = r.recipe.evaluation;
  const status = r.reachedTarget
    ? `stopped at the first evaluation at or above the target ${r.recipe.targetAccuracy}`
    : `did NOT reach the target ${r.recipe.targetAccuracy} (snapshot after the last evaluation; the run was stopped or hit maxSteps)`;
  const curve = r.evals
    .map(
      (p) =>
        `| ${p.step} | ${p.correct}/${p.total} = ${pct(p.accuracy)} | ${p.trainLoss.toFixed(4)} | ${p.elapsedSeconds.toFixed(0)} |`,
    )
    .join('\n');
  const recordedRight = r.recorded.filter((x) => x.correct).length;
  const benchRows = bench
    ? bench.rows
        .map(
          (b) =>
            `| ${b.batchSize} | ${b.tokensPerSecond.toFixed(0)} | ${b.secondsPer500.toFixed(1)} | ${pct(b.accuracy)} |`,
        )
        .join('\n')
    : '';
  const fastest = bench?.rows.reduce((a, b) => (b.secondsPer500 < a.secondsPer500 ? b : a));
  const benchPart = bench
    ? `Greedy generation on the demo's validation set (synthetic-math test, seed 0, 500 problems; mean prompt ${bench.meanPromptTokens.toFixed(1)} tokens), ${bench.threads} ORT threads on ${bench.machine.cpus} cores (load average ${bench.machine.loadAverage1m.toFixed(1)} during the run), \`npm run bench -w @failmine/tiny-model\`:

| batch | generated tokens/s | seconds per 500 problems | accuracy |
|---|---|---|---|
${benchRows}

${fastest ? `At batch ${fastest.batchSize}, the demo's ~3,000 greedy solutions (2,000 train + 2 x 500 test) take about ${((fastest.secondsPer500 * 3000) / 500).toFixed(0)} s at this rate (${(fastest.generatedTokens / 500).toFixed(1)} generated tokens per problem on average). The accuracy column is on the demo's own test split: the stopping rule picks the first evaluation at or above the target, so the held-out figure above is biased upward by the evaluation's noise, and this column is the better estimate of what the demo will see.` : ''}
`
    : 'Not measured yet: run `npm run bench -w @failmine/tiny-model`, then `npm run tiny:train -- --card-only`.\n';
  return `# phase1a-tiny

The built-in tiny model of failmine: a ${r.parameters.toLocaleString('en-US')}-parameter Llama trained from
scratch by this project on synthetic GSM8K-style problems until its held-out greedy accuracy first
reached ${r.recipe.targetAccuracy} (measured below), so the demo has real failures to mine (like the plan's Phase 1A
model with its 30-40 % failure rate). Made by \`${r.command}\` (tools/tiny-model).

## Architecture

\`LlamaForCausalLM\` (config.json): hidden ${m.hidden_size}, intermediate ${m.intermediate_size}, ${m.num_hidden_layers} layers,
${m.num_attention_heads} heads (${m.num_key_value_heads} KV heads, head dim ${m.hidden_size / m.num_attention_heads}), SiLU MLP, RMSNorm, RoPE theta ${m.rope_theta},
context ${m.max_position_embeddings} tokens (trained on sequences of at most ${r.recipe.training.maxSeqLen}: RoPE has no
weights, so longer real GSM8K prompts fit but are outside its training), untied embeddings, vocabulary ${r.vocabSize}. ${r.parameters.toLocaleString('en-US')} parameters,
stored float32 in model.safetensors.

## Tokenizer

BPE learned by \`trainBpe\` (libs/llm) on the first ${r.recipe.bpeProblems.toLocaleString('en-US')} corpus problems: ${r.recipe.bpeMerges} merges over
printable ASCII plus newline, specials \`<pad>\` 0, \`<s>\` 1 (prepended to every text), \`</s>\` 2 (eos),
\`<unk>\` 3. No merge involves a digit (every number is one token per digit) or "\\n" (the prompt
and answer tokenize the same apart or together). No pre-tokenizer: merges may span spaces,
so template phrases are single tokens. Standard tokenizer.json (model BPE, merges as pairs):
@huggingface/tokenizers and transformers.js load it.

## Data and layout

${r.corpus.problems.toLocaleString('en-US')} problems from \`generateSyntheticMath\` (services/dataset), train stream, seed ${r.recipe.seed}
(the demo uses seed 0); ${r.corpus.droppedAsDemo} problem(s) that coincided with the demo's seed-0 train or test
split were dropped, so the demo's extract and validation never see a pretraining problem.
${r.corpus.tokens.toLocaleString('en-US')} tokens. Each is laid out exactly as the flow shows it: \`<s>\` + the dataset
service's zero-shot math prompt (ending "Answer:") + "\\n" + the reference solution (ending
"#### N") + \`</s>\`, the trainer's "plain" format. Unlike the demo's fine-tuning, the loss is on
every token after \`<s>\`: the extract sends the prompt without its "\\n", so the model must learn
to produce it.

## Training

failmine's own trainer in full mode (services/trainer's \`TrainingSession\` + \`trainLoop\`, AdamW
on the host), init N(0, ${m.initializer_range}) as HF's, seed ${r.recipe.seed}: lr ${t.learningRate} constant after ${t.warmupSteps} warmup
steps, batch ${t.batchSize}, weight decay ${t.weightDecay} (not on norms), clip ${t.maxGradNorm}, at most ${t.maxSteps} steps.
Every ${e.everySteps} steps greedy accuracy ("#### N" equal by value, the grader's strict rule) is measured on
${e.problems} held-out problems (the generator's test stream under seed ${r.recipe.seed}, minus the demo's); the run
${status}.

Result: **${r.steps} steps, held-out greedy accuracy ${r.heldOut.correct}/${r.heldOut.total} = ${pct(r.heldOut.accuracy)}**
(95 % normal-approximation interval ±${(196 * Math.sqrt((r.heldOut.accuracy * (1 - r.heldOut.accuracy)) / Math.max(1, r.heldOut.total))).toFixed(0)} points), wall time ${(r.wallSeconds / 60).toFixed(1)} min on
${r.machine.cpus} cores (${r.machine.cpuModel}, ${r.recipe.threads} ORT threads, ${r.machine.node}; other jobs were sharing the cores:
load average ${r.machine.loadAverage1m.toFixed(1)} at the end).

| step | held-out greedy accuracy | train loss | elapsed s |
|---|---|---|---|
${curve}

The first ${r.recorded.length} held-out problems' greedy completions are recorded in recipe-result.json
(${recordedRight}/${r.recorded.length} right); tools/tiny-model's tests replay them token for token.

## Speed

${benchPart}
## Reproducing

\`npm run tiny:train\` (from the repo root) rewrites this directory. Every input is seeded (corpus,
merges, init, data order), but with ${r.recipe.threads} ORT threads the training is not bit-reproducible: two runs of
this recipe on the same machine diverged in the loss from the first steps (most likely multi-threaded CPU kernels
do not fix their reduction order), so a rerun gives a model of the same kind with other weights
that may stop at another step. With \`threads: 1\` in tools/tiny-model/src/tiny-recipe.ts runs are
bit-identical (tested on a shrunken recipe), and slower. The weights shipped here are the ones the
recorded completions and the tests refer to.
`;
}

/** Writes README.md into the model directory (with the bench figures when bench-results has them). */
export async function writeModelCard(dir: string, result: RecipeResult, benchFile?: string): Promise<void> {
  let bench: GenerateBench | null = null;
  if (benchFile) {
    try {
      bench = JSON.parse(await readFile(benchFile, 'utf8')) as GenerateBench;
    } catch {
      // No benchmark yet: the card says how to measure it.
    }
  }
  await writeFile(join(dir, 'README.md'), modelCard(result, bench));
}
