// Measures StreamExamples throughput over a real loopback socket: every GSM8K train example
// (7,473), formatted zero-shot with chat messages, received by the generated client. Writes
// bench-results/dataset-stream.json at the repository root. A benchmark, not a test: it asserts
// only that the count is right. Run: npm run bench -w @failmine/dataset
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Category, DatasetServiceClient, type StreamExamplesRequest } from '@failmine/contracts';
import { ArtifactStore, createClient, createLogger } from '@failmine/runtime';
import { createServer } from '../src/server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir =
  process.env.BENCH_DATA_DIR ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));

const request: StreamExamplesRequest = {
  dataset: 'gsm8k',
  category: Category.CATEGORY_UNSPECIFIED,
  split: 'train',
  ids: [],
  offset: 0,
  limit: 0,
  format: { shots: 0, chat: true, style: 'plain' },
  seed: 0,
};

async function streamAll(client: DatasetServiceClient): Promise<{ examples: number; seconds: number }> {
  const start = process.hrtime.bigint();
  let examples = 0;
  for await (const _ of client.streamExamples(request)) examples++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (examples !== 7473) throw new Error(`expected 7473 examples, got ${examples}`);
  return { examples, seconds };
}

const scratch = mkdtempSync(join(tmpdir(), 'failmine-bench-'));
const grpc = createServer({
  version: 'bench',
  dataDir,
  outputDir: join(scratch, 'out'),
  artifacts: new ArtifactStore(join(scratch, 'artifacts')),
  logger: createLogger('dataset-bench', 'silent'),
});
const port = await grpc.listen('127.0.0.1', 0);
const client = createClient(DatasetServiceClient, `127.0.0.1:${port}`);
try {
  // The first run also reads and parses train.jsonl; later runs serve the cached split.
  const cold = await streamAll(client);
  const warm = [];
  for (let i = 0; i < RUNS; i++) warm.push(await streamAll(client));
  const rates = warm.map((r) => r.examples / r.seconds).sort((a, b) => a - b);
  const result = {
    bench: 'dataset StreamExamples, gsm8k train, zero-shot plain + chat, loopback gRPC',
    command: 'cd services/dataset && npm run bench',
    examples: 7473,
    cold: { seconds: cold.seconds, examplesPerSecond: cold.examples / cold.seconds },
    warmRuns: warm.map((r) => ({ seconds: r.seconds, examplesPerSecond: r.examples / r.seconds })),
    medianExamplesPerSecond: rates[Math.floor(rates.length / 2)],
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage1m: loadavg()[0],
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'bench-results', 'dataset-stream.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
} finally {
  client.close();
  grpc.server.forceShutdown();
  rmSync(scratch, { recursive: true, force: true });
}
