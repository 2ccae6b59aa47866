import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findLogRecord } from '@failmine/topology';
import { runCommand } from './support/infra-files.js';

// What a runtime image holds, without docker: infra/docker/assemble-runtime.sh (the last step
// of every Dockerfile's build stage) builds the production tree of the dataset service into a
// temporary directory; the service is started from there alone and checked with the health
// probe the images ship. This is what catches a dependency that only dev installs provide.
// It runs `npm ci --omit=dev` (about 30-60 s, from npm's cache or the registry).

const START_TIMEOUT_MS = 30_000;

/** Starts `node services/dataset/dist/main.js --port 0` in `cwd`; resolves with its address. */
async function startDataset(cwd: string): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, ['services/dataset/dist/main.js', '--port', '0', '--data-dir', cwd], {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dataset did not listen within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const ready = findLogRecord(stderr, (r) => typeof r.msg === 'string' && r.msg.includes('listening on'));
      if (!ready) return;
      clearTimeout(timer);
      const port = String(ready.address).split(':').pop();
      resolve({ child, address: `127.0.0.1:${port}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dataset exited (${code}) before listening:\n${stderr}`));
    });
  });
}

describe('the runtime tree the Dockerfiles assemble (dataset, no docker needed)', () => {
  let dir: string;
  let out: string;
  let service: { child: ChildProcess; address: string } | undefined;
  const probe = (...args: string[]) =>
    runCommand(process.execPath, [join(out, 'infra/grpc-health-probe.mjs'), ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'failmine-e2e-runtime-'));
    out = join(dir, 'app');
    const res = runCommand('sh', ['infra/docker/assemble-runtime.sh', '@failmine/dataset', out], {
      timeoutMs: 300_000,
    });
    assert.equal(res.status, 0, `assemble-runtime.sh failed:\n${res.stderr}`);
  });

  after(async () => {
    service?.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('holds only the workspaces dataset uses, their built files and the probe', () => {
    const linked = runCommand('ls', [join(out, 'node_modules/@failmine')])
      .stdout.split('\n')
      .filter(Boolean);
    assert.deepEqual(linked, ['clients', 'contracts', 'dataset', 'problems', 'runtime']);
    for (const path of [
      'services/dataset/dist/main.js',
      'libs/runtime/dist/index.js',
      'libs/problems/dist/index.js',
      'libs/contracts/dist/index.js',
      'libs/contracts/descriptor/failmine-v1.binpb',
      'infra/grpc-health-probe.mjs',
    ]) {
      assert.ok(existsSync(join(out, path)), path);
    }
    for (const absent of [
      'services/inference',
      'libs/llm',
      'libs/testing',
      'libs/topology',
      'e2e',
      'node_modules/typescript',
      'node_modules/nx',
    ]) {
      assert.ok(!existsSync(join(out, absent)), `${absent} is not in the runtime tree`);
    }
  });

  it('the service starts from that tree alone and the probe reports SERVING (exit 0)', async () => {
    service = await startDataset(out);
    const whole = probe(service.address);
    assert.equal(whole.status, 0, whole.stdout + whole.stderr);
    assert.match(whole.stdout, /SERVING/);
    const named = probe(service.address, 'failmine.v1.DatasetService');
    assert.equal(named.status, 0, named.stdout + named.stderr);
  });

  it('the probe exits 1 when nothing answers and 2 without an address', async () => {
    assert.ok(service, 'started by the test before');
    const { address } = service;
    service.child.kill('SIGTERM');
    await new Promise((r) => service?.child.once('exit', r));
    service = undefined;
    const down = probe(address);
    assert.equal(down.status, 1, down.stdout + down.stderr);
    assert.match(down.stdout, /unreachable/);
    assert.equal(probe().status, 2);
  });
});
