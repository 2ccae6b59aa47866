import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactServiceClient } from '@failmine/contracts';
import { status } from '@grpc/grpc-js';
import { artifactService } from '../src/artifacts/artifact-service.js';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { callUnary, createClient } from '../src/client/client.js';
import { checkHealth } from '../src/client/health-check.js';
import { createGrpcServer, type GrpcServer } from '../src/server/grpc-server.js';
import { createLogger } from '../src/telemetry/logger.js';

const sha = 'a'.repeat(64);
const TOKEN = 'correct-horse-battery-staple';

// A throwaway CA and a server certificate for 127.0.0.1, made with openssl for this test only.
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=failmine test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  );
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}

describe('service security: TLS and the shared token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-security-'));
  const logger = createLogger('security-test', 'silent');
  let pems: ReturnType<typeof makeCertificates>;
  let server: GrpcServer;
  let address: string;

  before(async () => {
    pems = makeCertificates(dir);
    server = createGrpcServer({ services: [artifactService(new ArtifactStore(join(dir, 'store')))], logger });
    server.requireToken(TOKEN);
    const port = await server.listen('127.0.0.1', 0, { certPath: pems.cert, keyPath: pems.key });
    address = `127.0.0.1:${port}`;
  });

  after(() => {
    server.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client that trusts the CA and sends the token', async () => {
    const client = createClient(ArtifactServiceClient, address, {
      maxAttempts: 1,
      security: { tlsCaPath: pems.ca, authToken: TOKEN },
    });
    const res = await callUnary(client.stat.bind(client), { sha256: sha }, { deadlineMs: 5000 });
    assert.equal(res.exists, false);
    client.close();
  });

  it('refuses a client without the CA (plaintext or untrusted): the channel never opens', async () => {
    const plain = createClient(ArtifactServiceClient, address, {
      maxAttempts: 1,
      security: { authToken: TOKEN },
    });
    await assert.rejects(
      callUnary(plain.stat.bind(plain), { sha256: sha }, { deadlineMs: 3000 }),
      (err: { code: number }) => {
        assert.ok(
          err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED,
          `code ${err.code}`,
        );
        return true;
      },
    );
    plain.close();
  });

  it('answers UNAUTHENTICATED to a wrong or missing token', async () => {
    for (const authToken of ['wrong-token-of-enough-length', undefined]) {
      const client = createClient(ArtifactServiceClient, address, {
        maxAttempts: 1,
        security: { tlsCaPath: pems.ca, authToken },
      });
      await assert.rejects(
        callUnary(client.stat.bind(client), { sha256: sha }, { deadlineMs: 5000 }),
        (err: { code: number }) => {
          assert.equal(err.code, status.UNAUTHENTICATED);
          return true;
        },
      );
      client.close();
    }
  });

  it('leaves the health service open to probes without the token', async () => {
    const plainServer = createGrpcServer({
      services: [artifactService(new ArtifactStore(join(dir, 'store2')))],
      logger,
    });
    plainServer.requireToken(TOKEN);
    const port = await plainServer.listen('127.0.0.1', 0);
    assert.equal(await checkHealth(`127.0.0.1:${port}`, ''), 'SERVING');
    plainServer.server.forceShutdown();
  });
});
