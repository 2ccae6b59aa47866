import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactServiceClient,
  CoordinatorServiceClient,
  DatasetServiceClient,
  EvaluatorServiceClient,
  GraderServiceClient,
  InferenceServiceClient,
  TrainerServiceClient,
} from '@failmine/contracts';
import {
  callClientStream,
  callUnary,
  checkHealth,
  chunkBuffer,
  createClient,
  type ServiceName,
  sha256Hex,
} from '@failmine/runtime';
import { serviceProcesses } from '@failmine/testing';
import { type DescribableClient, describeOverSocket } from './support/describe-over-socket.js';

/** The six services, the gRPC name each serves and its generated client. */
const SERVICES: { name: ServiceName; grpcName: string; client: DescribableClient }[] = [
  { name: 'dataset', grpcName: 'failmine.v1.DatasetService', client: DatasetServiceClient },
  { name: 'inference', grpcName: 'failmine.v1.InferenceService', client: InferenceServiceClient },
  { name: 'grader', grpcName: 'failmine.v1.GraderService', client: GraderServiceClient },
  { name: 'trainer', grpcName: 'failmine.v1.TrainerService', client: TrainerServiceClient },
  { name: 'evaluator', grpcName: 'failmine.v1.EvaluatorService', client: EvaluatorServiceClient },
  { name: 'coordinator', grpcName: 'failmine.v1.CoordinatorService', client: CoordinatorServiceClient },
];

// Well formed, but nothing was ever stored under it.
const UNKNOWN_SHA256 = 'ab'.repeat(32);

describe('the six services as real processes on loopback', () => {
  let dir: string;
  const services = serviceProcesses();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failmine-e2e-six-'));
    // All at once: one after another would take six start-ups' time.
    await Promise.all(SERVICES.map(({ name }) => services.start(name, { artifactsDir: join(dir, name) })));
  });

  after(async () => {
    await services.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('each listens on its own port', () => {
    const ports = SERVICES.map(({ name }) => services.get(name).port);
    assert.equal(new Set(ports).size, SERVICES.length, `ports: ${ports.join(', ')}`);
  });

  for (const { name, grpcName } of SERVICES) {
    it(`${name}: the standard health service answers SERVING for "" and for ${grpcName}`, async () => {
      const { address } = services.get(name);
      assert.equal(await checkHealth(address, '', 5_000), 'SERVING');
      assert.equal(await checkHealth(address, grpcName, 5_000), 'SERVING');
    });
  }

  for (const { name, client } of SERVICES) {
    it(`${name}: Describe over the socket names it and the failmine.v1 API`, async () => {
      const info = await describeOverSocket(client, services.get(name).address);
      assert.equal(info.name, name);
      assert.equal(info.apiVersion, 'failmine.v1');
    });
  }

  it('dataset: ArtifactService.Stat says an unknown sha256 does not exist, an uploaded one does', async () => {
    const client = createClient(ArtifactServiceClient, services.get('dataset').address, {
      unaryDeadlineMs: 5_000,
    });
    try {
      const unknown = await callUnary(client.stat.bind(client), { sha256: UNKNOWN_SHA256 });
      assert.equal(unknown.exists, false);
      assert.equal(unknown.ref, undefined);

      const data = Buffer.from('one small artifact\n');
      const chunks = [...chunkBuffer(data, { name: 'small.txt', mediaType: 'text/plain' })];
      await callClientStream(
        client.upload.bind(client),
        chunks.map((chunk) => ({ chunk })),
      );
      const stored = await callUnary(client.stat.bind(client), { sha256: sha256Hex(data) });
      assert.equal(stored.exists, true);
      assert.equal(stored.ref?.name, 'small.txt');
      assert.equal(stored.ref?.sizeBytes, data.length);
    } finally {
      client.close();
    }
  });

  for (const { name } of SERVICES) {
    it(`${name}: exits with code 0 within 5 s of SIGTERM, though a client is still connected`, async () => {
      const proc = services.get(name);
      // An idle connection (as the coordinator keeps to every service) must not hold it open.
      const client = createClient(ArtifactServiceClient, proc.address, { unaryDeadlineMs: 5_000 });
      try {
        await callUnary(client.stat.bind(client), { sha256: UNKNOWN_SHA256 });
        const exit = await proc.stop();
        assert.deepEqual(exit, { code: 0, signal: null }, proc.stderr());
      } finally {
        client.close();
      }
    });
  }
});
