import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type ArtifactChunk, ArtifactServiceClient, type DownloadResponse } from '@failmine/contracts';
import {
  callClientStream,
  chunkBuffer,
  createClient,
  receiveArtifactToBuffer,
  sha256Hex,
} from '@failmine/runtime';
import {
  EXIT_AFTER_SIGTERM_MS,
  findLogRecord,
  killLeftoverProcesses,
  type ServiceProcess,
  startServiceProcess,
  waitForExit,
  waitForLogLine,
} from '@failmine/topology';
import { status } from '@grpc/grpc-js';

// Large enough that gRPC and socket buffers hold only a small part of it while the reader waits.
const ARTIFACT_BYTES = 30 * 1024 * 1024;

/** A download that has begun: the messages read so far and the rest, not yet read. */
interface PausedDownload {
  readAlready: DownloadResponse[];
  rest: AsyncIterator<DownloadResponse>;
}

/** Uploads `data` to the service's ArtifactService and returns its sha256. */
async function upload(client: ArtifactServiceClient, data: Buffer): Promise<string> {
  const requests = function* () {
    for (const chunk of chunkBuffer(data, { name: 'drain.bin' })) yield { chunk };
  };
  const res = await callClientStream(client.upload.bind(client), requests());
  assert.equal(res.ref?.sha256, sha256Hex(data));
  return sha256Hex(data);
}

/**
 * Starts a Download, reads its header and first data chunk, then stops reading: flow control
 * holds the rest of the stream on the server, so the call stays in flight.
 */
async function startDownload(client: ArtifactServiceClient, sha256: string): Promise<PausedDownload> {
  const call = client.download({ sha256, chunkSizeBytes: 0 });
  const rest = call[Symbol.asyncIterator]() as AsyncIterator<DownloadResponse>;
  const readAlready: DownloadResponse[] = [];
  for (let i = 0; i < 2; i++) {
    const next = await rest.next();
    assert.equal(next.done, false, 'the download ended after only its first messages');
    readAlready.push(next.value);
  }
  assert.equal(readAlready[1]?.chunk?.part?.$case, 'data');
  return { readAlready, rest };
}

/** The chunks of a download: those read already, then the rest, read slowly. */
async function* chunksOf({ readAlready, rest }: PausedDownload): AsyncGenerator<ArtifactChunk> {
  for (const { chunk } of readAlready) if (chunk) yield chunk;
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    // A slow reader: the server keeps waiting on flow control throughout the drain.
    await delay(2);
    if (next.value.chunk) yield next.value.chunk;
  }
}

const isDrainingLine = (r: { msg?: string }) => r.msg?.startsWith('shutting down') === true;

describe('draining on SIGTERM', () => {
  let dir: string;
  let patient: ServiceProcess;
  let hasty: ServiceProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failmine-e2e-drain-'));
    [patient, hasty] = await Promise.all([
      // A grace period far longer than the drain takes: the call must finish because it is
      // drained, not because the test raced a timer.
      startServiceProcess('dataset', {
        artifactsDir: join(dir, 'patient'),
        args: ['--shutdown-grace-ms', '30000'],
      }),
      startServiceProcess('dataset', {
        artifactsDir: join(dir, 'hasty'),
        args: ['--shutdown-grace-ms', '300'],
      }),
    ]);
  });

  after(async () => {
    await killLeftoverProcesses();
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes a Download in flight at SIGTERM, every byte, then exits 0', { timeout: 60_000 }, async () => {
    const data = randomBytes(ARTIFACT_BYTES);
    const client = createClient(ArtifactServiceClient, patient.address);
    try {
      const download = await startDownload(client, await upload(client, data));

      patient.child.kill('SIGTERM');
      await waitForLogLine(patient, 'that it is draining', isDrainingLine, EXIT_AFTER_SIGTERM_MS);
      assert.equal(patient.child.exitCode, null, 'the service exited with a download still unread');

      const received = await receiveArtifactToBuffer(chunksOf(download));
      assert.equal(received.ref.sizeBytes, ARTIFACT_BYTES);
      assert.equal(received.ref.sha256, sha256Hex(data));
      assert.ok(received.data.equals(data), 'the downloaded bytes differ from the uploaded ones');
    } finally {
      client.close();
    }
    const exit = await waitForExit(patient, EXIT_AFTER_SIGTERM_MS, 'after its last call finished');
    assert.deepEqual(exit, { code: 0, signal: null }, patient.stderr());
  });

  it('cancels a call that outlasts the grace period and still exits 0', { timeout: 60_000 }, async () => {
    const client = createClient(ArtifactServiceClient, hasty.address);
    try {
      const download = await startDownload(client, await upload(client, randomBytes(ARTIFACT_BYTES)));

      // The reader never resumes, so only the grace timer can end the call.
      hasty.child.kill('SIGTERM');
      const exit = await waitForExit(hasty, EXIT_AFTER_SIGTERM_MS, 'after SIGTERM');
      assert.deepEqual(exit, { code: 0, signal: null }, hasty.stderr());
      assert.ok(
        findLogRecord(hasty.stderr(), (r) => r.msg?.startsWith('grace period over') === true),
        `no "grace period over" line in:\n${hasty.stderr()}`,
      );

      await assert.rejects(receiveArtifactToBuffer(chunksOf(download)), (err: { code?: number }) => {
        // The server resets the stream; should the connection drop first, the client says UNAVAILABLE.
        assert.ok(
          err.code === status.CANCELLED || err.code === status.UNAVAILABLE,
          `expected CANCELLED or UNAVAILABLE, got ${String(err)}`,
        );
        return true;
      });
    } finally {
      client.close();
    }
  });
});
