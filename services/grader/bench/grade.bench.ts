// Verdicts per second of each shipped grader, through a real gRPC Grade stream on loopback:
//   gsm8k-numeric   the 1,319 GSM8K test reference answers (flexible mode)
//   multiple-choice every MMLU test question, answered "Answer: <letter>"
//   code-exec       the 164 HumanEval canonical solutions, in the sandbox main.ts would pick
//   pairwise-judge  the first 64 GSM8K test references against a copy with the final number off
//                   by one, judged by a tiny random llama on a real inference service process
//                   (2 greedy generations per item; measures the plumbing, not a real judge)
// Writes bench-results/grader.json at the repo root. Run: npm run bench -w @failmine/grader
// (FAILMINE_GRADER_CODE_CONCURRENCY=n sets the code-exec slots, as for the service).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Category, type GradeItem, type GradeRequest, GraderServiceClient } from '@failmine/contracts';
import { ArtifactStore, createClient, createLogger } from '@failmine/runtime';
import { startServiceProcess } from '@failmine/topology';
import { probeSandbox } from '../src/code/code-exec-grader.js';
import { detectSandbox } from '../src/code/detect-sandbox.js';
import { SlotPool } from '../src/code/slot-pool.js';
import { createGrader, type GraderFactoryDeps } from '../src/grader-registry.js';
import { createInferenceJudge } from '../src/judge/inference-judge.js';
import { createServer } from '../src/server.js';
import { gradeAll } from '../test/grade-client.js';
import { readMmlu } from '../test/mmlu-csv.js';
import { writeTinyJudgeModelDir } from '../test/support/tiny-judge-model.js';

const DATASETS = new URL('../../../../shared/datasets/', import.meta.url);
const OUT = new URL('../../../bench-results/grader.json', import.meta.url);

function jsonl<T>(path: string): T[] {
  return readFileSync(new URL(path, DATASETS), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function gsm8kItems(): GradeItem[] {
  return jsonl<{ answer: string }>('gsm8k/test.jsonl').map((r, i) => ({
    id: `gsm8k/test/${i}`,
    category: Category.CATEGORY_MATH,
    prompt: '',
    completion: r.answer,
    groundTruth: { kind: { $case: 'finalAnswer', finalAnswer: r.answer.split('####').at(-1)?.trim() ?? '' } },
    otherCompletion: '',
  }));
}

function mmluItems(): GradeItem[] {
  return readMmlu(new URL('mmlu/test/', DATASETS)).map((r, i) => ({
    id: `mmlu/${r.file}/${i}`,
    category: Category.CATEGORY_CREATIVITY,
    prompt: r.question,
    completion: `Answer: ${r.letter}`,
    groundTruth: {
      kind: { $case: 'multipleChoice', multipleChoice: { answerLetter: r.letter, choices: r.choices } },
    },
    otherCompletion: '',
  }));
}

function humanEvalItems(): GradeItem[] {
  type Row = {
    task_id: string;
    prompt: string;
    canonical_solution: string;
    test: string;
    entry_point: string;
  };
  return jsonl<Row>('humaneval/HumanEval.jsonl').map((r) => ({
    id: r.task_id,
    category: Category.CATEGORY_CODE,
    prompt: r.prompt,
    completion: r.canonical_solution,
    groundTruth: {
      kind: {
        $case: 'code',
        code: {
          entryPoint: r.entry_point,
          testProgram: r.test,
          asserts: [],
          setupCode: '',
          challengeAsserts: [],
        },
      },
    },
    otherCompletion: '',
  }));
}

// The reference answer with its final number off by one, as the output to compare with.
function pairwiseItems(n: number): GradeItem[] {
  return jsonl<{ question: string; answer: string }>('gsm8k/test.jsonl')
    .slice(0, n)
    .map((r, i) => {
      const [work = '', final = ''] = r.answer.split('####');
      const wrong = String(Number(final.trim().replaceAll(',', '')) + 1);
      return {
        id: `gsm8k/test/${i}`,
        category: Category.CATEGORY_MATH,
        prompt: r.question,
        completion: r.answer,
        groundTruth: { kind: { $case: 'finalAnswer', finalAnswer: final.trim() } },
        otherCompletion: `${work}#### ${wrong}`,
      };
    });
}

async function bench(kind: string, items: GradeItem[], deps: GraderFactoryDeps) {
  const grpc = createServer({
    version: 'bench',
    grader: await createGrader(kind, deps),
    artifacts: new ArtifactStore(join(tmpdir(), 'failmine-grader-bench')),
    logger: createLogger('grader-bench', 'silent'),
  });
  const port = await grpc.listen('127.0.0.1', 0);
  const client = createClient(GraderServiceClient, `127.0.0.1:${port}`);
  const requests: GradeRequest[] = items.map((item) => ({ message: { $case: 'item', item } }));
  const t0 = performance.now();
  const { verdicts, error } = await gradeAll(client, requests);
  const seconds = (performance.now() - t0) / 1000;
  client.close();
  grpc.server.forceShutdown();
  if (error) throw error;
  const correct = verdicts.filter((v) => v.correct).length;
  const result = {
    items: items.length,
    correct,
    seconds: +seconds.toFixed(3),
    verdictsPerSecond: +(items.length / seconds).toFixed(1),
  };
  console.log(kind, result);
  return result;
}

// Same default as --code-concurrency (the cores); the same variable overrides it.
const pool = new SlotPool(Number(process.env.FAILMINE_GRADER_CODE_CONCURRENCY) || availableParallelism());
let sandboxKind = '';
const codeExec = async () => {
  const sandbox = await detectSandbox(
    { python: 'python3', prefer: 'auto', allowUnsandboxed: false, uidBase: 60000 },
    (s) => probeSandbox(s, pool),
  );
  sandboxKind = sandbox.kind;
  return { sandbox, pool };
};
// The --judge-max-tokens default.
const JUDGE_MAX_TOKENS = 64;
const results = {
  'gsm8k-numeric': await bench('gsm8k-numeric', gsm8kItems(), {}),
  'multiple-choice': await bench('multiple-choice', mmluItems(), {}),
  'code-exec': await bench('code-exec', humanEvalItems(), { codeExec }),
  'pairwise-judge': await benchPairwise(),
};
async function benchPairwise() {
  const modelDir = await writeTinyJudgeModelDir();
  const inference = await startServiceProcess('inference', { args: ['--model', modelDir] });
  try {
    const judge = async () => ({
      backend: await createInferenceJudge({
        address: inference.address,
        modelId: 'tiny-judge',
        modelPath: '',
        maxNewTokens: JUDGE_MAX_TOKENS,
      }),
      concurrency: 8, // the --judge-concurrency default
    });
    return await bench('pairwise-judge', pairwiseItems(64), { judge });
  } finally {
    await inference.stop();
  }
}

mkdirSync(new URL('.', OUT), { recursive: true });
const report = {
  measuredAt: new Date().toISOString(),
  command: 'npm run bench -w @failmine/grader',
  host: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version },
  codeExec: { sandbox: sandboxKind, slots: pool.size },
  pairwiseJudge: {
    judge: 'tiny random llama (2 layers, hidden 32), inference service on CPU',
    maxNewTokens: JUDGE_MAX_TOKENS,
  },
  graders: results,
};
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${OUT.pathname}`);
