import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_PORTS, type ServiceName } from '@failmine/runtime';
import { repoRoot } from '@failmine/topology';
import { infraDir, onPath, runCommand } from './support/infra-files.js';

// Two levels: the Dockerfiles are read and checked for the promises they make (always), and one
// image (dataset) is really built where podman or buildah exists. Nothing is installed to get
// them, and a build also needs the registry that serves node:20-bookworm-slim.

const FAILMINE = Object.keys(DEFAULT_PORTS) as ServiceName[];
const CUDA_SERVICES: readonly string[] = ['inference', 'trainer'];
const read = (name: string) => readFileSync(join(infraDir, 'docker', `${name}.Dockerfile`), 'utf8');
/** The instructions of the last stage: what `docker build` without --target produces. */
const lastStage = (text: string) => text.slice(text.lastIndexOf('\nFROM '));
/** The instructions of the stage named `name`, up to the next FROM. */
const stage = (text: string, name: string) => {
  const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
  assert.ok(start >= 0, `a stage named ${name}`);
  const next = text.indexOf('\nFROM ', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
};

describe('infra/docker: one Dockerfile per service', () => {
  for (const name of FAILMINE) {
    it(`${name}: builds with nx, keeps only its production tree, runs as non-root on its port`, () => {
      const text = read(name);
      assert.match(text, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
      const build = stage(text, 'build');
      assert.match(build, /^RUN npm ci --ignore-scripts/m);
      assert.match(build, new RegExp(`^RUN npx nx run @failmine/${name}:build`, 'm'));
      assert.match(
        build,
        new RegExp(`^RUN sh infra/docker/assemble-runtime.sh @failmine/${name} /app$`, 'm'),
      );
      const runtime = lastStage(text);
      assert.match(runtime, /^FROM \$\{NODE_IMAGE\} AS runtime$/m, 'the CPU image is the default target');
      assert.match(runtime, /^COPY --from=build \/app \/app$/m, 'only the assembled tree is copied');
      assert.match(runtime, /^USER 10001$/m);
      assert.match(runtime, new RegExp(`^EXPOSE ${DEFAULT_PORTS[name]}$`, 'm'));
      assert.match(runtime, new RegExp(`grpc-health-probe.mjs", "127.0.0.1:${DEFAULT_PORTS[name]}"`));
      assert.match(runtime, new RegExp(`^ENTRYPOINT \\["node", "services/${name}/dist/main.js"\\]$`, 'm'));
      assert.match(
        runtime,
        new RegExp(`FAILMINE_${name.toUpperCase()}_HOST=0.0.0.0`),
        'listens beyond loopback',
      );
    });
  }

  for (const name of CUDA_SERVICES) {
    it(`${name}: a cuda target installs onnxruntime-node's CUDA 12 provider on a CUDA + cuDNN base`, () => {
      const text = read(name);
      assert.match(text, /^ARG CUDA_IMAGE=nvidia\/cuda:12\.[\d.]+-cudnn-runtime-\S+$/m);
      const deps = stage(text, 'cuda-deps');
      assert.match(
        deps,
        /cd \/app\/node_modules\/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script\/install\.js/,
      );
      const cuda = stage(text, 'cuda');
      assert.match(cuda, /^FROM \$\{CUDA_IMAGE\} AS cuda$/m);
      assert.match(cuda, /^COPY --from=cuda-deps \/app \/app$/m);
      assert.match(cuda, /^USER 10001$/m);
      assert.match(cuda, new RegExp(`FAILMINE_${name.toUpperCase()}_DEVICE=cuda`));
      assert.match(text, /cuDNN 9/, 'the header says which cuDNN it needs');
    });
  }

  it('grader: the runtime image has bubblewrap, util-linux and python3 for code-exec', () => {
    assert.match(
      lastStage(read('grader')),
      /apt-get install -y --no-install-recommends bubblewrap util-linux python3/,
    );
  });

  it('.dockerignore keeps host installs, builds and data out of the context', () => {
    const lines = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of [
      '**/node_modules',
      '**/dist',
      '.nx',
      '.failmine',
      'data',
      'checkpoints',
      'bench-results',
    ]) {
      assert.ok(lines.includes(entry), `.dockerignore lists ${entry}`);
    }
  });
});

const builder = ['podman', 'buildah'].find(onPath);
const noBuilder = builder
  ? undefined
  : 'neither podman nor buildah is on PATH (and no docker engine runs here)';
if (noBuilder)
  console.log(`SKIP building the dataset image: ${noBuilder}. Nothing is installed to get them.`);

describe('building the dataset image', { skip: noBuilder }, () => {
  const tag = 'localhost/failmine-e2e/dataset:test';
  const BUILD_TIMEOUT_MS = 15 * 60_000;

  it(`${builder} builds infra/docker/dataset.Dockerfile from the repo root`, () => {
    const args = builder === 'buildah' ? ['bud'] : ['build'];
    const res = runCommand(
      builder ?? '',
      [...args, '-f', 'infra/docker/dataset.Dockerfile', '-t', tag, '.'],
      {
        timeoutMs: BUILD_TIMEOUT_MS,
      },
    );
    assert.equal(res.status, 0, res.stderr.slice(-4000));
  });

  it('the image runs as uid 10001 and exposes 50051', () => {
    const inspect =
      builder === 'buildah'
        ? runCommand('buildah', ['inspect', '--type', 'image', '--format', '{{json .OCIv1.Config}}', tag])
        : runCommand('podman', ['image', 'inspect', '--format', '{{json .Config}}', tag]);
    assert.equal(inspect.status, 0, inspect.stderr);
    const config = JSON.parse(inspect.stdout) as { User?: string; ExposedPorts?: Record<string, unknown> };
    assert.equal(config.User, '10001');
    assert.ok(Object.keys(config.ExposedPorts ?? {}).some((p) => p.startsWith('50051')));
  });

  it('the container answers --help with the dataset flags (podman only: buildah runs no containers)', {
    skip: builder === 'podman' ? undefined : 'buildah builds but does not run containers',
  }, () => {
    const res = runCommand('podman', ['run', '--rm', tag, '--help']);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /--data-dir/);
  });
});
