// Runs inside the "client" node's network namespace (see nodes.sh): starts dataset and grader
// each in its own node's namespace on its own 10.77.0.x address, then checks from here what a
// client on a separate machine would see. Prints one JSON line of observations for the test to
// assert on; exits 1 with the reason on stderr when something could not even be observed.
import { join } from 'node:path';
import {
  Category,
  DatasetServiceClient,
  GraderServiceClient,
  StreamExamplesRequest,
  type StreamExamplesResponse,
} from '@failmine/contracts';
import { checkHealth, createClient } from '@failmine/runtime';
import { killLeftoverProcesses, repoRoot, startServiceProcess } from '@failmine/topology';
import { describeOverSocket } from '../describe-over-socket.js';
import { gradeOverSocket } from '../grade-over-socket.js';

/** Node name (its network namespace), address and service, as nodes.sh numbered them. */
const NODES = {
  dataset: { host: '10.77.0.2', port: 50051 },
  grader: { host: '10.77.0.3', port: 50053 },
  client: { host: '10.77.0.4' },
} as const;

const DATASETS = join(repoRoot, '..', 'shared', 'datasets');
const LIMIT = 4;

/** Where a call went and how it ended: the status, or the error's message. */
async function reach(address: string): Promise<string> {
  try {
    return await checkHealth(address, '', 3_000);
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

async function streamExamples(address: string) {
  const client = createClient(DatasetServiceClient, address);
  try {
    const call = client.streamExamples(
      StreamExamplesRequest.fromPartial({ dataset: 'gsm8k', split: 'train', limit: LIMIT }),
    );
    const examples = [];
    for await (const message of call as AsyncIterable<StreamExamplesResponse>) {
      if (message.example) examples.push(message.example);
    }
    return examples;
  } finally {
    client.close();
  }
}

async function main(dir: string): Promise<void> {
  const [dataset, grader] = await Promise.all([
    startServiceProcess('dataset', {
      ...NODES.dataset,
      wrapper: ['ip', 'netns', 'exec', 'dataset'],
      artifactsDir: join(dir, 'dataset'),
      args: ['--data-dir', DATASETS],
      readyTimeoutMs: 60_000,
    }),
    startServiceProcess('grader', {
      ...NODES.grader,
      wrapper: ['ip', 'netns', 'exec', 'grader'],
      artifactsDir: join(dir, 'grader'),
      args: ['--grader', 'gsm8k-numeric'],
      readyTimeoutMs: 60_000,
    }),
  ]);
  try {
    const examples = await streamExamples(dataset.address);
    const verdicts = await gradeOverSocket(
      grader.address,
      examples.map((e) => ({
        id: e.id,
        category: Category.CATEGORY_MATH,
        prompt: e.prompt,
        completion: e.referenceSolution,
        groundTruth: e.groundTruth,
        otherCompletion: '',
      })),
    );
    const observations = {
      addresses: { dataset: dataset.address, grader: grader.address },
      health: { dataset: await reach(dataset.address), grader: await reach(grader.address) },
      loopback: {
        dataset: await reach(`127.0.0.1:${NODES.dataset.port}`),
        grader: await reach(`127.0.0.1:${NODES.grader.port}`),
      },
      describe: {
        dataset: (await describeOverSocket(DatasetServiceClient, dataset.address)).name,
        grader: (await describeOverSocket(GraderServiceClient, grader.address)).implementation,
      },
      examples: examples.map((e) => e.id),
      verdicts: verdicts.map((v) => ({ id: v.itemId, correct: v.correct })),
    };
    process.stdout.write(`${JSON.stringify({ observations })}\n`);
  } finally {
    const exits = await Promise.allSettled([dataset.stop(), grader.stop()]);
    for (const exit of exits) if (exit.status === 'rejected') process.stderr.write(`${exit.reason}\n`);
    await killLeftoverProcesses();
  }
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: driver.ts <dir>\n');
  process.exit(2);
}
main(dir).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
