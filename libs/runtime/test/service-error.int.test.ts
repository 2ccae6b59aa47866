import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ArtifactServiceClient, ArtifactServiceService, type DownloadResponse } from '@failmine/contracts';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { callClientStream, callUnary, createClient } from '../src/client/client.js';
import {
  DataLossError,
  FailedPreconditionError,
  FailmineError,
  InvalidArgumentError,
  NotFoundError,
} from '../src/errors/errors.js';
import { isServiceError, toServiceError } from '../src/errors/service-error.js';
import { bindService, createGrpcServer, type GrpcServer } from '../src/server/grpc-server.js';

/** Each sha256 a test sends picks what the Stat handler throws. */
const throwers: Record<string, () => never> = {
  invalid: () => {
    throw new InvalidArgumentError('sha256 must be hex');
  },
  missing: () => {
    throw new NotFoundError('artifact sha256:abc is not stored on this node');
  },
  precondition: () => {
    throw new FailedPreconditionError('no model loaded');
  },
  crash: () => {
    throw new Error('db password is hunter2');
  },
  'crash-string': () => {
    throw 'a thrown string';
  },
};

/** Captured log lines of the server, parsed. */
const logLines: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

async function assertStatus(promise: Promise<unknown>, code: status): Promise<ServiceError> {
  let caught: ServiceError | undefined;
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(err.code, code, `expected ${status[code]}, got ${status[err.code]}: ${err.details}`);
    caught = err;
    return true;
  });
  return caught as ServiceError;
}

// The timeout turns a hung call into a failure instead of a stuck run.
describe('errors thrown by handlers, as clients see them', { timeout: 60_000 }, () => {
  let grpc: GrpcServer;
  let client: ArtifactServiceClient;

  before(async () => {
    const binding = bindService(ArtifactServiceService, {
      stat: async (req) => {
        const thrower = throwers[req.sha256];
        if (!thrower) return { exists: false, ref: undefined };
        return thrower();
      },
      async *download(req) {
        yield { chunk: { offset: 0, part: { $case: 'data', data: Buffer.from('first') } } };
        if (req.sha256 === 'crash') throw new Error('disk on fire');
        throw new DataLossError('artifact file is truncated');
      },
      upload: async (requests) => {
        for await (const _ of requests) throw new InvalidArgumentError('upload refused');
        throw new NotFoundError('empty upload');
      },
    });
    grpc = createGrpcServer({ services: [binding], logger });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(ArtifactServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 10_000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
  });

  const stat = (sha256: string) => callUnary(client.stat.bind(client), { sha256 });

  for (const [sha, code, message] of [
    ['invalid', status.INVALID_ARGUMENT, 'sha256 must be hex'],
    ['missing', status.NOT_FOUND, 'artifact sha256:abc is not stored on this node'],
    ['precondition', status.FAILED_PRECONDITION, 'no model loaded'],
  ] as const) {
    it(`keeps the code and message of a thrown ${status[code]}`, async () => {
      const err = await assertStatus(stat(sha), code);
      assert.equal(err.details, message);
    });
  }

  it('answers INTERNAL for a plain Error, with a trace id and without the original message', async () => {
    logLines.length = 0;
    const err = await assertStatus(stat('crash'), status.INTERNAL);
    assert.doesNotMatch(err.details, /hunter2/);
    assert.match(err.details, /\/failmine\.v1\.ArtifactService\/Stat/);
    const traceId = /trace id ([0-9a-f]{32})\b/.exec(err.details)?.[1];
    assert.ok(traceId, `"${err.details}" quotes no trace id`);
    const logged = logLines.find((l) => l.traceId === traceId);
    assert.ok(logged, 'the quoted id is in the service log');
    assert.equal(logged.level, 50);
    assert.match(JSON.stringify(logged.err), /hunter2/, 'the log keeps the full error');
  });

  it('quotes a distinct id for each failing call made outside any trace', async () => {
    const [a, b] = await Promise.all([assertStatus(stat('crash'), 13), assertStatus(stat('crash'), 13)]);
    assert.notEqual(a.details, b.details);
  });

  it('answers INTERNAL for a thrown non-Error', async () => {
    const err = await assertStatus(stat('crash-string'), status.INTERNAL);
    assert.doesNotMatch(err.details, /a thrown string/);
  });

  it('ends a server stream with the code of an error thrown after the first message', async () => {
    const received: DownloadResponse[] = [];
    const err = await assertStatus(
      (async () => {
        for await (const res of client.download({ sha256: 'x', chunkSizeBytes: 0 })) received.push(res);
      })(),
      status.DATA_LOSS,
    );
    assert.equal(err.details, 'artifact file is truncated');
    assert.equal(received.length, 1, 'the message sent before the error arrives');
  });

  it('hides the message of a plain Error thrown by a server stream', async () => {
    const err = await assertStatus(
      (async () => {
        for await (const _ of client.download({ sha256: 'crash', chunkSizeBytes: 0 })) {
          // drain
        }
      })(),
      status.INTERNAL,
    );
    assert.doesNotMatch(err.details, /disk on fire/);
    assert.match(err.details, /trace id/);
  });

  it('answers a client stream with the code its handler throws', async () => {
    const err = await assertStatus(
      callClientStream(client.upload.bind(client), [{ chunk: { offset: 0, part: undefined } }]),
      status.INVALID_ARGUMENT,
    );
    assert.equal(err.details, 'upload refused');
    const empty = await assertStatus(callClientStream(client.upload.bind(client), []), status.NOT_FOUND);
    assert.equal(empty.details, 'empty upload');
  });

  it('passes a downstream call status through unchanged', async () => {
    let downstream: unknown;
    try {
      await stat('missing');
    } catch (err) {
      downstream = err;
    }
    assert.ok(isServiceError(downstream));
    assert.equal(toServiceError(downstream, logger, '/x/Y'), downstream);
  });
});

describe('toServiceError', () => {
  it('maps each FailmineError to its own code and message', () => {
    const se = toServiceError(new FailmineError(status.ABORTED, 'lost a race'), logger, '/x/Y');
    assert.equal(se.code, status.ABORTED);
    assert.equal(se.details, 'lost a race');
    assert.ok(se.metadata instanceof Metadata);
  });

  it('does not take a plain Error with a numeric code for a service error', () => {
    const err = Object.assign(new Error('ENOENT'), { code: 2 });
    assert.equal(isServiceError(err), false);
    assert.equal(toServiceError(err, logger, '/x/Y').code, status.INTERNAL);
  });
});
