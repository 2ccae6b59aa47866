// Compare hands the candidate's ModelRef to LoadModel unchanged: an adapter that names the node
// holding it ({node: "trainer", sha256}) reaches the inference service with its node, so
// inference pulls it from the trainer and no bytes go through the evaluator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ArtifactRef,
  CompareRequest,
  InferenceServiceService,
  type LoadModelRequest,
} from '@failmine/contracts';
import {
  ArtifactStore,
  bindService,
  createGrpcServer,
  createLogger,
  UnimplementedError,
} from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import type { ModelSpec } from '../src/clients/compare-clients.js';
import { createGrpcCompareClients } from '../src/clients/grpc-compare-clients.js';
import { decodeCompareRequest } from '../src/compare-request-codec.js';

const adapter: ArtifactRef = {
  name: 'math-lora.tar',
  sha256: 'c'.repeat(64),
  sizeBytes: 10,
  mediaType: 'application/x-tar',
  uri: '',
  node: 'trainer',
};

describe('Compare passes ModelRef through to LoadModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-modelref-'));
  const loads: LoadModelRequest[] = [];
  let inference: InProcessServer;

  before(async () => {
    const unused = () => {
      throw new UnimplementedError('not used by this test');
    };
    const service = bindService(InferenceServiceService, {
      describe: unused,
      loadModel: async (req) => {
        loads.push(req);
        return { modelId: req.modelId, device: 'cpu', facts: {}, loadSeconds: 0 };
      },
      unloadModel: unused,
      generate: unused,
    });
    inference = await serveInProcess(
      createGrpcServer({ services: [service], logger: createLogger('evaluator-test', 'silent') }),
    );
  });

  after(() => {
    inference.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the adapter artifact node, for the candidate and for the base-model reference', async () => {
    // Over the wire and back, as the evaluator's handler receives it.
    const request = CompareRequest.decode(
      CompareRequest.encode(
        CompareRequest.fromPartial({
          evaluationId: 'e1',
          candidate: {
            source: { $case: 'artifact', artifact: { ...adapter, name: 'base.tar', node: 'dataset' } },
            adapters: [{ source: { $case: 'artifact', artifact: adapter }, scale: 1 }],
          },
          reference: { source: { $case: 'baseModel', baseModel: true } },
          set: { dataset: 'gsm8k', split: 'test' },
        }),
      ).finish(),
    );
    const input = await decodeCompareRequest(request, new ArtifactStore(join(dir, 'artifacts')));
    const clients = createGrpcCompareClients({
      datasetAddress: inference.address,
      inferenceAddress: inference.address,
      graderAddress: inference.address,
    });
    const scope = { signal: new AbortController().signal };
    await clients.inference?.load(input.candidate, scope);
    assert.equal(input.reference.kind, 'model');
    await clients.inference?.load((input.reference as { model: ModelSpec }).model, scope);
    clients.close();
    const [candidate, reference] = loads.map((l) => l.model);
    const source = candidate?.adapters[0]?.source;
    assert.equal(source?.$case === 'artifact' ? source.artifact.node : 'no artifact', 'trainer');
    assert.equal(source?.$case === 'artifact' ? source.artifact.sha256 : '', adapter.sha256);
    for (const m of [candidate, reference]) {
      assert.equal(m?.source?.$case === 'artifact' ? m.source.artifact.node : 'no artifact', 'dataset');
    }
    assert.deepEqual(reference?.adapters, []);
  });
});
