// Services as separate "nodes": each in its own Linux network namespace with its own address
// on a bridge (10.77.0.0/24), and the client in yet another, built by support/netns/nodes.sh
// inside an unprivileged user namespace. support/netns/driver.ts runs in the client's namespace
// and reports what it saw; this test asserts on that report.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, serviceEntry } from '@failmine/topology';
import { onPath, runCommand } from './support/infra-files.js';

const NODES_SH = join(import.meta.dirname, 'support', 'netns', 'nodes.sh');
const DRIVER = join(import.meta.dirname, 'support', 'netns', 'driver.ts');
// --pid --fork --kill-child: the namespaces' processes all die with the unshare process.
const UNSHARE = ['--user', '--map-root-user', '--net', '--mount', '--pid', '--fork', '--kill-child'];

/** Why this machine cannot run the test, or undefined when it can. */
function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
  if (!onPath('unshare')) return 'unshare (util-linux) is not on PATH';
  if (!onPath('ip')) return 'ip (iproute2) is not on PATH';
  const probe = runCommand('unshare', [...UNSHARE, 'true'], { timeoutMs: 10_000 });
  if (probe.status !== 0) {
    const why = (probe.spawnError?.message ?? probe.stderr).trim() || `exit ${probe.status}`;
    return `unprivileged user + network namespaces are not allowed here (unshare ${UNSHARE.join(' ')} true: ${why})`;
  }
  for (const name of ['dataset', 'grader'] as const) {
    if (!existsSync(serviceEntry(name))) return `${serviceEntry(name)} is missing: build the services first`;
  }
  const gsm8k = join(repoRoot, '..', 'shared', 'datasets', 'gsm8k', 'train.jsonl');
  if (!existsSync(gsm8k)) return `${gsm8k} is missing`;
  return undefined;
}

interface Observations {
  addresses: Record<'dataset' | 'grader', string>;
  health: Record<'dataset' | 'grader', string>;
  loopback: Record<'dataset' | 'grader', string>;
  describe: Record<'dataset' | 'grader', string>;
  examples: string[];
  verdicts: { id: string; correct: boolean }[];
}

// Under node:test, NODE_TEST_CONTEXT would make the driver's node report to this runner.
function withoutTestContext(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return env;
}

/** Builds the nodes, runs the driver in the client node and returns its report. */
async function runCluster(dir: string): Promise<Observations> {
  const child = spawn(
    'unshare',
    [
      ...UNSHARE,
      'bash',
      NODES_SH,
      'dataset',
      'grader',
      'client',
      '--',
      process.execPath,
      '--import',
      'tsx',
      DRIVER,
      dir,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: withoutTestContext() },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  // A hang guard: the whole run takes about 8 s on 2 idle cores.
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  assert.equal(code, 0, `nodes.sh + driver ended (code ${code}, signal ${signal}); stderr:\n${stderr}`);
  const line = stdout.split('\n').find((l) => l.startsWith('{"observations"'));
  assert.ok(line, `the driver printed no observations; stdout:\n${stdout}\nstderr:\n${stderr}`);
  return (JSON.parse(line) as { observations: Observations }).observations;
}

const missing = missingPrerequisite();
if (missing) console.log(`SKIP network-namespace e2e: ${missing}`);

describe('services on separate network namespaces, as separate nodes', { skip: missing }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-e2e-netns-'));
  let seen: Observations;

  before(async () => {
    seen = await runCluster(dir);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each service listens on its own node address', () => {
    assert.deepEqual(seen.addresses, { dataset: '10.77.0.2:50051', grader: '10.77.0.3:50053' });
  });

  it('from the client node, both answer health SERVING and Describe over the bridge', () => {
    assert.deepEqual(seen.health, { dataset: 'SERVING', grader: 'SERVING' });
    assert.deepEqual(seen.describe, { dataset: 'dataset', grader: 'gsm8k-numeric' });
  });

  it("neither is reachable on the client's 127.0.0.1: the nodes are really separate", () => {
    for (const [name, result] of Object.entries(seen.loopback)) {
      assert.match(result, /^error: 14 UNAVAILABLE.*ECONNREFUSED/, `${name} on 127.0.0.1: ${result}`);
    }
  });

  it('a small flow crosses the nodes: dataset StreamExamples, then grader Grade of the reference solutions', () => {
    const ids = ['gsm8k/train/0', 'gsm8k/train/1', 'gsm8k/train/2', 'gsm8k/train/3'];
    assert.deepEqual(seen.examples, ids);
    assert.deepEqual(
      seen.verdicts,
      ids.map((id) => ({ id, correct: true })),
    );
  });
});
