import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ArtifactServiceClient,
  ArtifactServiceService,
  type StatResponse,
  type UploadRequest,
} from '@failmine/contracts';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { callClientStream, callUnary, createClient } from '../src/client/client.js';
import { InvalidArgumentError, UnavailableError } from '../src/errors/errors.js';
import { bindService, createGrpcServer, type GrpcServer } from '../src/server/grpc-server.js';
import type { CallContext } from '../src/server/handlers.js';
import { createLogger } from '../src/telemetry/logger.js';

/** Handlers of a test ArtifactService: each test plugs in the behaviour it needs. */
interface Behaviour {
  stat?: (sha256: string, ctx: CallContext) => Promise<StatResponse>;
  upload?: (requests: AsyncIterable<UploadRequest>, ctx: CallContext) => Promise<void>;
}

const ok: StatResponse = { exists: true, ref: undefined };
const logger = createLogger('client-test', 'silent');

/** A server whose ArtifactService does what `behaviour` says (Download always fails). */
function testServer(behaviour: Behaviour): GrpcServer {
  const binding = bindService(ArtifactServiceService, {
    stat: async (req, ctx) => (behaviour.stat ? behaviour.stat(req.sha256, ctx) : ok),
    upload: async (requests, ctx) => {
      await behaviour.upload?.(requests, ctx);
      return { ref: undefined };
    },
    // biome-ignore lint/correctness/useYield: these tests never download.
    async *download() {
      throw new InvalidArgumentError('not in this test');
    },
  });
  return createGrpcServer({ services: [binding], logger });
}

/** A port nothing listens on right now (bound, then released). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** Asserts that `promise` rejects with a gRPC status `code`. */
async function assertStatus(promise: Promise<unknown>, code: status): Promise<ServiceError> {
  let caught: ServiceError | undefined;
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(err.code, code, `expected ${status[code]}, got ${status[err.code]}: ${err.details}`);
    caught = err;
    return true;
  });
  return caught as ServiceError;
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

// The timeout turns a hung call into a failure instead of a stuck run.
describe('createClient and the call helpers', { timeout: 60_000 }, () => {
  const servers: GrpcServer[] = [];
  const clients: ArtifactServiceClient[] = [];

  async function start(behaviour: Behaviour, port = 0): Promise<number> {
    const grpc = testServer(behaviour);
    servers.push(grpc);
    return grpc.listen('127.0.0.1', port);
  }
  function client(port: number, options: Parameters<typeof createClient>[2] = {}): ArtifactServiceClient {
    const c = createClient(ArtifactServiceClient, `127.0.0.1:${port}`, options);
    clients.push(c);
    return c;
  }

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) s.server.forceShutdown();
  });

  it('retries a call the server answers UNAVAILABLE, up to maxAttempts', async () => {
    let calls = 0;
    const port = await start({
      stat: async () => {
        calls += 1;
        if (calls < 3) throw new UnavailableError('warming up');
        return ok;
      },
    });
    const c = client(port, { maxAttempts: 5 });
    assert.deepEqual(await callUnary(c.stat.bind(c), { sha256: 'x' }), ok);
    assert.equal(calls, 3);
  });

  it('gives up after maxAttempts and reports the last UNAVAILABLE', async () => {
    let calls = 0;
    const port = await start({
      stat: async () => {
        calls += 1;
        throw new UnavailableError('still down');
      },
    });
    const c = client(port, { maxAttempts: 2 });
    const err = await assertStatus(callUnary(c.stat.bind(c), { sha256: 'x' }), status.UNAVAILABLE);
    assert.equal(err.details, 'still down');
    assert.equal(calls, 2);
  });

  it('does not retry with maxAttempts 1', async () => {
    let calls = 0;
    const port = await start({
      stat: async () => {
        calls += 1;
        throw new UnavailableError('down');
      },
    });
    const c = client(port, { maxAttempts: 1 });
    await assertStatus(callUnary(c.stat.bind(c), { sha256: 'x' }), status.UNAVAILABLE);
    assert.equal(calls, 1);
  });

  it('does not retry other codes', async () => {
    let calls = 0;
    const port = await start({
      stat: async () => {
        calls += 1;
        throw new InvalidArgumentError('bad sha');
      },
    });
    const c = client(port, { maxAttempts: 5 });
    await assertStatus(callUnary(c.stat.bind(c), { sha256: 'x' }), status.INVALID_ARGUMENT);
    assert.equal(calls, 1);
  });

  it('fails UNAVAILABLE with maxAttempts 1 when nothing listens', async () => {
    const c = client(await freePort(), { maxAttempts: 1 });
    await assertStatus(callUnary(c.stat.bind(c), { sha256: 'x' }), status.UNAVAILABLE);
  });

  it('reaches a server that starts listening after the call began (maxAttempts 5)', async () => {
    const port = await freePort();
    // NOTE: a failed connect puts grpc-js's subchannel into a reconnect backoff of 1 s ± 20 %,
    // while the five attempts are spread over only ~1.5 s (backoff 0.1, 0.2, 0.4, 0.8 s ± 20 %),
    // so with the default backoff the last attempt can come before the reconnect: it failed
    // UNAVAILABLE in 1 of 6 runs here. A 50 ms reconnect backoff passed 12 of 12.
    const c = client(port, { maxAttempts: 5, channelOptions: { 'grpc.initial_reconnect_backoff_ms': 50 } });
    const call = callUnary(c.stat.bind(c), { sha256: 'x' });
    await sleep(300);
    let served = 0;
    await start(
      {
        stat: async () => {
          served += 1;
          return ok;
        },
      },
      port,
    );
    assert.deepEqual(await call, ok);
    assert.equal(served, 1);
  });

  it('cancels a unary call when its signal aborts, and the handler sees it', async () => {
    let handlerSignal: AbortSignal | undefined;
    const port = await start({
      stat: async (_sha, ctx) => {
        handlerSignal = ctx.signal;
        await aborted(ctx.signal);
        return ok;
      },
    });
    const c = client(port);
    const controller = new AbortController();
    const call = callUnary(c.stat.bind(c), { sha256: 'x' }, { signal: controller.signal });
    while (!handlerSignal) await sleep(5);
    controller.abort();
    await assertStatus(call, status.CANCELLED);
    await aborted(handlerSignal);
    assert.equal(handlerSignal.aborted, true);
  });

  it('cancels a unary call whose signal aborted before it began', async () => {
    let calls = 0;
    const port = await start({
      stat: async () => {
        calls += 1;
        return ok;
      },
    });
    const c = client(port);
    await assertStatus(
      callUnary(c.stat.bind(c), { sha256: 'x' }, { signal: AbortSignal.abort() }),
      status.CANCELLED,
    );
    assert.equal(calls, 0);
  });

  it('leaves no abort listener behind on a signal shared by many calls', async () => {
    const port = await start({});
    const c = client(port);
    const run = new AbortController();
    for (let i = 0; i < 20; i++) await callUnary(c.stat.bind(c), { sha256: 'x' }, { signal: run.signal });
    await callClientStream(c.upload.bind(c), [{ chunk: undefined }], { signal: run.signal });
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  it('applies the default unary deadline, which a per-call deadline overrides', async () => {
    let deadline: Date | undefined;
    const port = await start({
      stat: async (sha, ctx) => {
        deadline = ctx.deadline;
        if (sha === 'slow') await aborted(ctx.signal);
        return ok;
      },
    });
    const c = client(port, { unaryDeadlineMs: 100 });
    await assertStatus(callUnary(c.stat.bind(c), { sha256: 'slow' }), status.DEADLINE_EXCEEDED);

    const before = Date.now();
    await callUnary(c.stat.bind(c), { sha256: 'fast' }, { deadlineMs: 60_000 });
    assert.ok(deadline, 'the handler sees the deadline');
    assert.ok(deadline.getTime() > before + 30_000, 'the per-call deadline replaced the default one');
  });

  it('passes call metadata to the handler', async () => {
    let seen: string | undefined;
    const port = await start({
      stat: async (_sha, ctx) => {
        seen = String(ctx.metadata.get('x-run-id')[0]);
        return ok;
      },
    });
    const c = client(port);
    const metadata = new Metadata();
    metadata.set('x-run-id', 'run-42');
    await callUnary(c.stat.bind(c), { sha256: 'x' }, { metadata });
    assert.equal(seen, 'run-42');
  });

  it('streams every request of a client stream to the handler', async () => {
    const received: number[] = [];
    const port = await start({
      upload: async (requests) => {
        for await (const r of requests) received.push(r.chunk?.offset ?? -1);
      },
    });
    const c = client(port);
    const requests = Array.from({ length: 100 }, (_, i) => ({ chunk: { offset: i, part: undefined } }));
    await callClientStream(c.upload.bind(c), requests);
    assert.deepEqual(
      received,
      requests.map((r) => r.chunk.offset),
    );
  });

  it('reports the server status of a client stream the server rejects while the source is slow', async () => {
    const port = await start({
      upload: async (requests) => {
        for await (const _ of requests) throw new InvalidArgumentError('first message is bad');
      },
    });
    const c = client(port);
    let produced = 0;
    async function* slowSource() {
      for (let i = 0; i < 5; i++) {
        produced += 1;
        yield { chunk: { offset: i, part: undefined } };
        await sleep(50);
      }
    }
    const err = await assertStatus(callClientStream(c.upload.bind(c), slowSource()), status.INVALID_ARGUMENT);
    assert.equal(err.details, 'first message is bad');
    assert.ok(produced < 5, `the source was read to its end (${produced} requests) after the call failed`);
  });

  it('cancels a client stream when its signal aborts', async () => {
    let handlerSignal: AbortSignal | undefined;
    const port = await start({
      upload: async (_requests, ctx) => {
        handlerSignal = ctx.signal;
        await aborted(ctx.signal);
      },
    });
    const c = client(port);
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort();
        yield { chunk: { offset: i, part: undefined } };
        await sleep(10);
      }
    }
    // Without the stop in callClientStream this never settles: the endless source keeps being read.
    await assertStatus(
      callClientStream(c.upload.bind(c), endless(), { signal: controller.signal }),
      status.CANCELLED,
    );
    assert.ok(handlerSignal, 'the call reached the handler');
    await aborted(handlerSignal);
  });
});
