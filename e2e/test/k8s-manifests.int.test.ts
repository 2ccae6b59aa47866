import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_PORTS, type ServiceName } from '@failmine/runtime';
import {
  infraDir,
  onPath,
  readYamlDocuments,
  readYamlFile,
  runCommand,
  type YamlMap,
} from './support/infra-files.js';

// The manifests are parsed with the `yaml` package and checked for the facts the deployment
// relies on. There is no cluster here: `kubectl kustomize` (offline rendering) runs where
// kubectl is installed; a schema check against a real API server is left to the cluster.

const K8S = 'infra/k8s';
const FAILMINE = Object.keys(DEFAULT_PORTS) as ServiceName[];
const GPU_SERVICES: readonly string[] = ['inference', 'trainer'];

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: YamlMap }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { grpc?: { port: number } };
  livenessProbe?: { grpc?: { port: number } };
  resources?: { limits?: Record<string, unknown> };
  securityContext?: YamlMap;
}
interface PodSpec {
  containers: Container[];
  securityContext?: YamlMap;
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    ports?: { port: number; targetPort: string | number }[];
  };
  data?: Record<string, string>;
}

const files = readdirSync(join(infraDir, 'k8s')).filter((f) => f.endsWith('.yaml'));
const manifests = new Map<string, Manifest[]>(
  files.map((f) => [f, readYamlDocuments(`${K8S}/${f}`) as unknown as Manifest[]]),
);
const all = [...manifests.values()].flat();
const find = (kind: string, name: string): Manifest => {
  const m = all.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(m, `${kind}/${name} is defined under ${K8S}`);
  return m;
};
const containerOf = (m: Manifest): Container => {
  const c = m.spec.template?.spec.containers[0];
  assert.ok(c, `${m.kind}/${m.metadata.name} has a container`);
  return c;
};

describe('infra/k8s manifests', () => {
  it('every file parses as YAML, and every document has apiVersion, kind and metadata.name', () => {
    assert.ok(files.length >= 8, `manifests found: ${files.join(', ')}`);
    for (const [file, docs] of manifests) {
      assert.ok(docs.length > 0, `${file} has documents`);
      for (const doc of docs) {
        const d = doc as unknown as YamlMap;
        assert.ok(d.apiVersion && d.kind, `${file}: a document without apiVersion/kind`);
        if (d.kind !== 'Kustomization') assert.ok(doc.metadata?.name, `${file}: ${d.kind} without a name`);
      }
    }
  });

  it('each service has a Deployment and a Service on its default port, selectors matching pod labels', () => {
    for (const name of FAILMINE) {
      const deployment = find('Deployment', name);
      const service = find('Service', name);
      const labels = deployment.spec.template?.metadata.labels ?? {};
      for (const [k, v] of Object.entries(deployment.spec.selector?.matchLabels ?? {})) {
        assert.equal(labels[k], v, `${name}: Deployment selector ${k}`);
      }
      for (const [k, v] of Object.entries(service.spec.selector ?? {})) {
        assert.equal(labels[k], v, `${name}: Service selector ${k}`);
      }
      assert.deepEqual(containerOf(deployment).ports, [{ name: 'grpc', containerPort: DEFAULT_PORTS[name] }]);
      assert.equal(service.spec.ports?.[0]?.port, DEFAULT_PORTS[name], name);
      assert.equal(service.spec.ports?.[0]?.targetPort, 'grpc', name);
    }
  });

  it('readiness and liveness use the native gRPC probe on the service port', () => {
    for (const name of [...FAILMINE, 'grader-code']) {
      const c = containerOf(find('Deployment', name));
      const port = DEFAULT_PORTS[(name === 'grader-code' ? 'grader' : name) as ServiceName];
      assert.deepEqual(c.readinessProbe?.grpc, { port }, `${name} readiness`);
      assert.deepEqual(c.livenessProbe?.grpc, { port }, `${name} liveness`);
    }
  });

  it('inference and trainer ask for one nvidia.com/gpu and run on cuda; the others ask for none', () => {
    for (const name of FAILMINE) {
      const c = containerOf(find('Deployment', name));
      const gpus = c.resources?.limits?.['nvidia.com/gpu'];
      if (!GPU_SERVICES.includes(name)) {
        assert.equal(gpus, undefined, name);
        continue;
      }
      assert.equal(gpus, 1, name);
      const device = c.env?.find((e) => e.name === `FAILMINE_${name.toUpperCase()}_DEVICE`)?.value;
      assert.equal(device, 'cuda', name);
    }
  });

  it('every pod reads the shared ConfigMap, which holds the OTLP endpoint and the service addresses', () => {
    const config = find('ConfigMap', 'failmine-env');
    for (const name of [...FAILMINE, 'grader-code', 'failmine-run']) {
      const kind = name === 'failmine-run' ? 'Job' : 'Deployment';
      const refs = containerOf(find(kind, name)).envFrom?.map((e) => e.configMapRef?.name);
      assert.deepEqual(refs, ['failmine-env'], name);
    }
    assert.equal(config.data?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4317');
    assert.equal(config.data?.FAILMINE_GRADER_ADDRESS, `grader:${DEFAULT_PORTS.grader}`);
    for (const name of FAILMINE)
      assert.equal(config.data?.[`FAILMINE_${name.toUpperCase()}_HOST`], '0.0.0.0');
  });

  it('pods run as non-root, except the code-exec grader, which holds exactly what bwrap needs', () => {
    for (const name of FAILMINE) {
      const pod = find('Deployment', name).spec.template?.spec;
      assert.equal(pod?.securityContext?.runAsNonRoot, true, name);
      assert.equal(pod?.securityContext?.runAsUser, 10001, name);
    }
    const code = containerOf(find('Deployment', 'grader-code'));
    assert.equal(code.env?.find((e) => e.name === 'FAILMINE_GRADER_KIND')?.value, 'code-exec');
    assert.deepEqual(code.securityContext?.capabilities, { add: ['SYS_ADMIN'] });
    assert.deepEqual(code.securityContext?.seccompProfile, { type: 'Unconfined' });
  });

  it('the run Job runs `failmine run plan.yaml` in the coordinator image with the database secret', () => {
    const job = find('Job', 'failmine-run');
    const c = containerOf(job);
    assert.equal(c.image, containerOf(find('Deployment', 'coordinator')).image);
    assert.deepEqual(
      [...(c.command ?? []), ...(c.args ?? [])],
      ['node', 'services/coordinator/dist/cli.js', 'run', '/plan/plan.yaml'],
    );
    const db = c.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom;
    assert.deepEqual(db, { secretKeyRef: { name: 'failmine-db', key: 'url' } });
  });

  it('kustomization.yaml lists every manifest except the optional grader-code and run Job', () => {
    const resources = readYamlFile(`${K8S}/kustomization.yaml`).resources as string[];
    const optional = ['grader-code.yaml', 'run-job.yaml', 'kustomization.yaml'];
    assert.deepEqual([...resources].sort(), files.filter((f) => !optional.includes(f)).sort());
    for (const r of resources) assert.ok(existsSync(join(infraDir, 'k8s', r)), r);
  });

  const noKubectl = onPath('kubectl') ? undefined : 'kubectl is not on PATH';
  if (noKubectl) console.log(`SKIP kubectl kustomize infra/k8s: ${noKubectl}.`);
  it('kubectl kustomize renders the set offline', { skip: noKubectl }, () => {
    const res = runCommand('kubectl', ['kustomize', K8S]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal((res.stdout.match(/^kind: Deployment$/gm) ?? []).length, FAILMINE.length);
  });
});
