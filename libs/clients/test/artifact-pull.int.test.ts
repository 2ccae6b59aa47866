import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ArtifactChunk, ArtifactServiceService } from '@failmine/contracts';
import { ArtifactStore, artifactService, chunkBuffer, sha256Hex } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { grpcArtifactClient } from '../src/artifact-client.js';
import { type ArtifactPeers, pullArtifact } from '../src/pull-artifact.js';
import { ServiceCallError } from '../src/service-call-error.js';
import { serveTest, type TestServer } from './support/test-server.js';

const scope = () => ({ signal: new AbortController().signal });
const JSONL = Buffer.from('{"instruction":"1+1?","output":"#### 2"}\n'.repeat(2000));
const OTHER = Buffer.from('{"instruction":"2+2?","output":"#### 4"}\n');

const isCall = (code: status, service: string, pattern: RegExp) => (err: unknown) =>
  err instanceof ServiceCallError &&
  err.code === code &&
  err.service === service &&
  pattern.test(err.message);

describe('artifacts between services, over real sockets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-clients-artifacts-'));
  const producerStore = new ArtifactStore(join(dir, 'producer'));
  let producer: TestServer;
  let liar: TestServer;
  let damaged: TestServer;
  const sha = sha256Hex(JSONL);

  before(async () => {
    await producerStore.put(chunkBuffer(JSONL, { name: 'math.jsonl', mediaType: 'application/jsonl' }));
    producer = await serveTest(ArtifactServiceService, artifactService(producerStore).handlers);
    // Answers any sha256 with OTHER, announced honestly: a swap only the asked-for sha256 catches.
    liar = await serveTest(ArtifactServiceService, {
      async *download() {
        for (const chunk of chunkBuffer(OTHER, { name: 'other.jsonl' })) yield { chunk };
      },
    });
    // Announces the asked-for sha256 but sends other bytes: the stream's own check catches it.
    damaged = await serveTest(ArtifactServiceService, {
      async *download(request) {
        for (const chunk of chunkBuffer(OTHER, { name: 'other.jsonl' })) {
          yield { chunk: withSha(chunk, request.sha256) };
        }
      },
    });
  });

  after(() => {
    for (const s of [producer, liar, damaged]) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a buffer, stats it and downloads the same bytes', async () => {
    const client = grpcArtifactClient('trainer', producer.address);
    const ref = await client.upload(OTHER, { name: 'b.jsonl', mediaType: 'application/jsonl' }, scope());
    assert.equal(ref.sha256, sha256Hex(OTHER));
    assert.equal(ref.sizeBytes, OTHER.length);
    assert.equal((await client.stat(ref.sha256, scope()))?.name, 'b.jsonl');
    assert.equal(await client.stat('0'.repeat(64), scope()), undefined);
    const { ref: got, data } = await client.download(sha, scope());
    assert.deepEqual(data, JSONL);
    assert.equal(got.name, 'math.jsonl');
    client.close();
  });

  it('downloads into a store, streamed and verified', async () => {
    const client = grpcArtifactClient('dataset', producer.address);
    const store = new ArtifactStore(join(dir, 'into-store'));
    const ref = await client.downloadTo(sha, store, scope());
    assert.equal(ref.sha256, sha);
    assert.equal(ref.mediaType, 'application/jsonl');
    assert.deepEqual(readFileSync(store.pathOf(sha)), JSONL);
    client.close();
  });

  it('refuses other content than the sha256 asked for with DATA_LOSS, keeping nothing', async () => {
    for (const peer of [liar, damaged]) {
      const client = grpcArtifactClient('dataset', peer.address);
      const store = new ArtifactStore(join(dir, `refused-${peer.address.split(':')[1]}`));
      await assert.rejects(
        client.downloadTo(sha, store, scope()),
        isCall(status.DATA_LOSS, 'dataset', new RegExp(`^dataset service at ${peer.address}: .*sha256`)),
      );
      await assert.rejects(client.download(sha, scope()), isCall(status.DATA_LOSS, 'dataset', /sha256/));
      assert.deepEqual(readdirSync(join(store.root, 'sha256')), []);
      client.close();
    }
  });

  describe('pullArtifact', () => {
    const peers = (address: string): ArtifactPeers => ({
      self: 'trainer',
      nodes: new Map([['dataset', { address, flag: 'dataset-address' }]]),
      clientOptions: { maxAttempts: 1 },
    });
    const ref = (node: string | undefined, sha256 = sha) => ({ name: 'math.jsonl', sha256, node });

    it('pulls from the peer the ref names into the store', async () => {
      const store = new ArtifactStore(join(dir, 'pulled'));
      const got = await pullArtifact(ref('dataset'), peers(producer.address), store, scope());
      assert.equal(got.sha256, sha);
      assert.deepEqual(readFileSync(store.pathOf(sha)), JSONL);
    });

    it('returns at once when the store holds it, whatever the node', async () => {
      const store = new ArtifactStore(join(dir, 'held'));
      await store.put(chunkBuffer(JSONL, { name: 'math.jsonl' }));
      // Port 1 answers nobody: a call would fail.
      for (const node of ['dataset', '', undefined, 'nobody']) {
        const got = await pullArtifact(ref(node), peers('127.0.0.1:1'), store, scope());
        assert.equal(got.sha256, sha);
      }
    });

    it('an unset or unknown node, or an unset flag, fails before any call, naming what to do', async () => {
      const store = new ArtifactStore(join(dir, 'empty'));
      await assert.rejects(pullArtifact(ref(''), peers(producer.address), store, scope()), {
        code: status.NOT_FOUND,
        message: `artifact math.jsonl (sha256:${sha}) is not stored on this trainer; upload it first or name its node`,
      });
      for (const node of ['evaluator', 'constructor', '127.0.0.1:50051']) {
        await assert.rejects(pullArtifact(ref(node), peers(producer.address), store, scope()), {
          code: status.FAILED_PRECONDITION,
          message: `artifact math.jsonl is on node "${node}": this trainer pulls only from dataset (--dataset-address)`,
        });
      }
      await assert.rejects(pullArtifact(ref('dataset'), peers(''), store, scope(), 'the training set'), {
        code: status.FAILED_PRECONDITION,
        message: 'the training set is on the dataset service: start the trainer with --dataset-address',
      });
      await assert.rejects(
        pullArtifact(ref('dataset'), { self: 'trainer', nodes: new Map() }, store, scope()),
        /this trainer pulls from no other service/,
      );
    });

    it("keeps the peer's code and names it: NOT_FOUND when it does not hold it, UNAVAILABLE when down", async () => {
      const store = new ArtifactStore(join(dir, 'missing'));
      await assert.rejects(
        pullArtifact(ref('dataset', 'a'.repeat(64)), peers(producer.address), store, scope()),
        isCall(
          status.NOT_FOUND,
          'dataset',
          new RegExp(`^dataset service at ${producer.address}: 5 NOT_FOUND`),
        ),
      );
      await assert.rejects(
        pullArtifact(ref('dataset'), peers('127.0.0.1:1'), store, scope()),
        isCall(status.UNAVAILABLE, 'dataset', /^dataset service at 127\.0\.0\.1:1: 14 UNAVAILABLE/),
      );
    });

    it('a cancelled scope stops the pull', async () => {
      const store = new ArtifactStore(join(dir, 'cancelled'));
      const abort = new AbortController();
      abort.abort();
      await assert.rejects(
        pullArtifact(ref('dataset'), peers(producer.address), store, { signal: abort.signal }),
        /cancelled while calling the dataset service/,
      );
      assert.equal(await store.stat(sha), undefined);
    });
  });
});

/** The chunk with its header and trailer announcing `sha256`. */
function withSha(chunk: ArtifactChunk, sha256: string): ArtifactChunk {
  const part = chunk.part;
  if (part?.$case === 'header' && part.header.ref)
    return { ...chunk, part: { $case: 'header', header: { ref: { ...part.header.ref, sha256 } } } };
  if (part?.$case === 'trailer')
    return { ...chunk, part: { $case: 'trailer', trailer: { ...part.trailer, sha256 } } };
  return chunk;
}
