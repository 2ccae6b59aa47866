import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { DEFAULT_PORTS, type ServiceName } from '@failmine/runtime';
import { repoRoot } from '@failmine/topology';
import { asMap, infraDir, readYamlFile, runCommand, type YamlMap } from './support/infra-files.js';

// infra/compose.yaml is checked twice with the same assertions: as written (parsed here, so it
// runs on any machine) and as `docker compose config` normalizes it (where the compose plugin
// exists), which also proves that compose itself accepts the file.

const COMPOSE_FILE = 'infra/compose.yaml';
const FAILMINE = Object.keys(DEFAULT_PORTS) as ServiceName[];
const GPU_SERVICES: readonly string[] = ['inference', 'trainer'];
// Distroless images: no shell or client to run a health check with. Nothing waits on their health.
const NO_HEALTHCHECK: readonly string[] = ['otel-collector', 'jaeger'];
// The variables compose.yaml interpolates, blanked so that the defaults apply whatever the shell has.
const AT_DEFAULTS = { FAILMINE_GRADER_ADDRESS: '', FAILMINE_DATA_DIR: '', FAILMINE_CHECKPOINTS_DIR: '' };

/** Why `docker compose` cannot run here, or undefined when it can. */
function composeMissing(): string | undefined {
  const res = runCommand('docker', ['compose', 'version']);
  if (res.spawnError) return `the docker CLI is not on PATH (${res.spawnError.message})`;
  if (res.status !== 0) {
    const said = (res.stderr || res.stdout).trim().split('\n')[0];
    return `the docker compose plugin is missing: \`docker compose version\` said "${said}"`;
  }
  return undefined;
}

/** Replaces `${NAME:-default}` by its default everywhere, as compose does with NAME unset. */
function withDefaults(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
  if (Array.isArray(value)) return value.map(withDefaults);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDefaults(v)]));
  }
  return value;
}

/** host port -> container port, from "H:C" strings (as written) or objects (normalized). */
function portsOf(svc: YamlMap): { published: number; target: number }[] {
  return ((svc.ports as unknown[]) ?? []).map((p) => {
    if (typeof p === 'string') {
      const [published, target] = p.split(':').map(Number);
      return { published: published ?? Number.NaN, target: target ?? Number.NaN };
    }
    const m = asMap(p, 'port');
    return { published: Number(m.published), target: Number(m.target) };
  });
}

/** Mounts as { source, target, readOnly }, from "S:T[:ro]" strings or normalized objects. */
function volumesOf(svc: YamlMap): { source: string; target: string; readOnly: boolean }[] {
  return ((svc.volumes as unknown[]) ?? []).map((v) => {
    if (typeof v === 'string') {
      const [source = '', target = '', mode] = v.split(':');
      return { source, target, readOnly: mode === 'ro' };
    }
    const m = asMap(v, 'volume');
    return { source: String(m.source), target: String(m.target), readOnly: m.read_only === true };
  });
}

const envOf = (svc: YamlMap): YamlMap => asMap(svc.environment ?? {}, 'environment');

/** Registers the structural checks on a compose model (raw-with-defaults or normalized). */
function defineModelChecks(load: () => YamlMap): void {
  let services: YamlMap;
  const svc = (name: string): YamlMap => asMap(services[name], `services.${name}`);
  before(() => {
    services = asMap(load().services, 'services');
  });

  it('every failmine service has its own image, built from the repo root by its own Dockerfile', () => {
    const images = new Set<string>();
    for (const name of FAILMINE) {
      const build = asMap(svc(name).build, `${name}.build`);
      const context = String(build.context);
      assert.equal(isAbsolute(context) ? context : resolve(infraDir, context), resolve(repoRoot), name);
      assert.equal(build.dockerfile, `infra/docker/${name}.Dockerfile`, name);
      assert.ok(existsSync(join(repoRoot, String(build.dockerfile))), `${build.dockerfile} exists`);
      images.add(String(svc(name).image));
    }
    assert.equal(images.size, FAILMINE.length, 'one image per service');
  });

  it('each listens on its default port, and no two publish the same host port', () => {
    for (const name of FAILMINE) {
      assert.deepEqual(
        portsOf(svc(name)).map((p) => p.target),
        [DEFAULT_PORTS[name]],
        name,
      );
    }
    const published = Object.values(services).flatMap((s) =>
      portsOf(asMap(s, 'service')).map((p) => p.published),
    );
    assert.equal(new Set(published).size, published.length, `host ports ${published.join(', ')}`);
  });

  it('every service has a health check; failmine services ask gRPC health on their own port', () => {
    for (const [name, value] of Object.entries(services)) {
      if (NO_HEALTHCHECK.includes(name)) continue;
      const test = (asMap(asMap(value, name).healthcheck, `${name}.healthcheck`).test as string[]).join(' ');
      const port = DEFAULT_PORTS[(name === 'grader-code' ? 'grader' : name) as ServiceName];
      if (name === 'postgres') assert.match(test, /pg_isready/);
      else assert.equal(test, `CMD node infra/grpc-health-probe.mjs 127.0.0.1:${port}`, name);
    }
    assert.ok(existsSync(join(infraDir, 'docker/grpc-health-probe.mjs')), 'the probe the images ship');
  });

  it('depends_on waits for service_healthy wherever the dependency has a health check', () => {
    for (const [name, value] of Object.entries(services)) {
      for (const [dep, cond] of Object.entries(asMap(asMap(value, name).depends_on ?? {}, name))) {
        const expected = svc(dep).healthcheck ? 'service_healthy' : 'service_started';
        assert.equal(asMap(cond, `${name} -> ${dep}`).condition, expected, `${name} -> ${dep}`);
      }
    }
    const deps = (name: string) => Object.keys(asMap(svc(name).depends_on, name)).sort();
    const others = FAILMINE.filter((n) => n !== 'coordinator');
    assert.deepEqual(deps('coordinator'), ['otel-collector', 'postgres', ...others].sort());
    assert.ok(deps('evaluator').includes('grader') && deps('evaluator').includes('inference'));
  });

  it('inference and trainer reserve one NVIDIA GPU and build the cuda target; no other service does', () => {
    for (const [name, value] of Object.entries(services)) {
      const devices = (
        asMap(value, name).deploy as { resources?: { reservations?: { devices?: YamlMap[] } } }
      )?.resources?.reservations?.devices;
      if (!GPU_SERVICES.includes(name)) {
        assert.equal(devices, undefined, `${name} reserves no device`);
        continue;
      }
      assert.equal(devices?.length, 1, name);
      assert.equal(devices?.[0]?.driver, 'nvidia', name);
      assert.equal(Number(devices?.[0]?.count), 1, name);
      assert.deepEqual(devices?.[0]?.capabilities, ['gpu'], name);
      assert.equal(asMap(svc(name).build, name).target, 'cuda', name);
      assert.equal(envOf(svc(name))[`FAILMINE_${name.toUpperCase()}_DEVICE`], 'cuda', name);
    }
  });

  it('every failmine service exports traces to the collector, which mounts infra/otel-collector.yaml', () => {
    for (const name of [...FAILMINE, 'grader-code']) {
      assert.equal(envOf(svc(name)).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4317', name);
    }
    const config = volumesOf(svc('otel-collector')).find((v) => v.target === '/etc/otelcol/config.yaml');
    assert.ok(config, 'the collector mounts its config');
    assert.equal(resolve(infraDir, config.source), join(infraDir, 'otel-collector.yaml'));
    assert.match(String(svc('jaeger').image), /^jaegertracing\/all-in-one:/);
  });

  it('the coordinator reaches postgres through DATABASE_URL', () => {
    const url = new URL(String(envOf(svc('coordinator')).DATABASE_URL));
    assert.equal(url.protocol, 'postgres:');
    assert.equal(url.hostname, 'postgres');
    assert.equal(url.port, '5432');
    assert.match(String(svc('postgres').image), /^postgres:/);
  });

  it('data/ and checkpoints/ are mounted where the services read and write them', () => {
    const target = (name: string, path: string) => volumesOf(svc(name)).find((v) => v.target === path);
    assert.ok(target('dataset', '/app/data'));
    assert.equal(envOf(svc('dataset')).FAILMINE_DATASET_DATA_DIR, '/app/data');
    assert.equal(target('trainer', '/app/checkpoints')?.readOnly, false);
    assert.equal(envOf(svc('trainer')).FAILMINE_TRAINER_CHECKPOINT_DIR, '/app/checkpoints');
    assert.equal(target('inference', '/app/checkpoints')?.readOnly, true, 'inference only reads models');
    for (const path of ['/app/data', '/app/checkpoints']) {
      const source = target(path === '/app/data' ? 'dataset' : 'trainer', path)?.source ?? '';
      assert.equal(resolve(infraDir, source), join(repoRoot, path.replace('/app/', '')), path);
    }
  });

  it('profile alt-grader adds a second grader: the same image, another kind, the sandbox privileges', () => {
    const alt = svc('grader-code');
    assert.deepEqual(alt.profiles, ['alt-grader']);
    assert.equal(alt.image, svc('grader').image);
    assert.equal(envOf(svc('grader')).FAILMINE_GRADER_KIND, 'gsm8k-numeric');
    assert.equal(envOf(alt).FAILMINE_GRADER_KIND, 'code-exec');
    assert.deepEqual(alt.cap_add, ['SYS_ADMIN']);
    for (const [name, value] of Object.entries(services)) {
      if (name !== 'grader-code')
        assert.equal(asMap(value, name).profiles, undefined, `${name} runs by default`);
    }
    assert.equal(envOf(svc('evaluator')).FAILMINE_GRADER_ADDRESS, 'grader:50053');
  });
}

describe('infra/compose.yaml as written (parsed, variables at their defaults)', () => {
  defineModelChecks(() => asMap(withDefaults(readYamlFile(COMPOSE_FILE)), COMPOSE_FILE));

  it('the collector sends traces on to Jaeger over OTLP', () => {
    const config = readYamlFile('infra/otel-collector.yaml');
    const service = asMap(config.service, 'service') as { pipelines: { traces: { exporters: string[] } } };
    const exporters = asMap(config.exporters, 'exporters');
    const toJaeger = service.pipelines.traces.exporters.map((e) => asMap(exporters[e], e).endpoint);
    assert.ok(toJaeger.includes('jaeger:4317'), `trace exporters' endpoints: ${toJaeger.join(', ')}`);
  });
});

const missing = composeMissing();
if (missing) console.log(`SKIP docker compose config checks: ${missing}. Nothing is installed to get it.`);

describe('infra/compose.yaml through `docker compose config`', { skip: missing }, () => {
  const compose = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCommand('docker', ['compose', '-f', COMPOSE_FILE, '--profile', 'alt-grader', ...args], {
      env: { ...process.env, ...env },
    });
  const normalized = (env: NodeJS.ProcessEnv = {}): YamlMap => {
    const res = compose(['config', '--format', 'json'], { ...AT_DEFAULTS, ...env });
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout) as YamlMap;
  };

  it('config --quiet accepts the file', () => {
    const res = compose(['config', '--quiet']);
    assert.equal(res.status, 0, res.stderr);
  });

  defineModelChecks(() => normalized());

  it('FAILMINE_GRADER_ADDRESS=grader-code:50053 swaps the evaluator to the second grader', () => {
    const evaluator = asMap(
      asMap(normalized({ FAILMINE_GRADER_ADDRESS: 'grader-code:50053' }).services, 's').evaluator,
      'e',
    );
    assert.equal(envOf(evaluator).FAILMINE_GRADER_ADDRESS, 'grader-code:50053');
  });
});
