import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatasetServiceClient, DatasetServiceService } from '@failmine/contracts';
import {
  type CallOptions,
  type Client,
  type ClientDuplexStream,
  type ClientUnaryCall,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type Metadata,
  makeGenericClientConstructor,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { artifactService } from '../src/artifacts/artifact-service.js';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { callUnary, createClient } from '../src/client/client.js';
import { UnimplementedError } from '../src/errors/errors.js';
import {
  bindService,
  createGrpcServer,
  type GrpcServer,
  type ServiceBinding,
} from '../src/server/grpc-server.js';
import { describeService } from '../src/server/service-info.js';
import { createLogger } from '../src/telemetry/logger.js';

const require = createRequire(import.meta.url);
const logger = createLogger('grpc-server-test', 'silent');

/** A DatasetService that only describes itself. */
function datasetBinding() {
  const notHere = () => new UnimplementedError('not in this test');
  return bindService(DatasetServiceService, {
    describe: async () => ({ info: describeService({ name: 'dataset', version: '9.9.9' }) }),
    listDatasets: async () => {
      throw notHere();
    },
    // biome-ignore lint/correctness/useYield: not in this test.
    async *streamExamples() {
      throw notHere();
    },
    writeTrainingSet: async () => {
      throw notHere();
    },
    // biome-ignore lint/correctness/useYield: not in this test.
    async *readTrainingSet() {
      throw notHere();
    },
  });
}

interface HealthClient extends Client {
  check(
    request: { service: string },
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (err: ServiceError | null, res: { status: string }) => void,
  ): ClientUnaryCall;
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

interface ReflectionClient extends Client {
  ServerReflectionInfo(): ClientDuplexStream<Record<string, string>, ReflectionResponse>;
}

/** Sends one reflection request on a fresh stream and returns the one response. */
async function reflect(
  client: ReflectionClient,
  request: Record<string, string>,
): Promise<ReflectionResponse> {
  const call = client.ServerReflectionInfo();
  call.write(request);
  call.end();
  const responses: ReflectionResponse[] = [];
  for await (const res of call) responses.push(res as ReflectionResponse);
  assert.equal(responses.length, 1);
  return responses[0] as ReflectionResponse;
}

/** The name of an encoded FileDescriptorProto: its field 1, which the encoder writes first. */
function fileName(file: Buffer): string {
  assert.equal(file[0], 0x0a, 'a FileDescriptorProto starts with its name');
  const length = file[1] ?? 0;
  assert.ok(length < 0x80, 'names here are shorter than 128 bytes');
  return file.subarray(2, 2 + length).toString('utf8');
}

// The timeout turns a hung call into a failure instead of a stuck run.
describe('createGrpcServer', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-grpc-server-'));
  let grpc: GrpcServer;
  let address: string;
  let health: HealthClient;
  let reflection: ReflectionClient;

  before(async () => {
    grpc = createGrpcServer({
      services: [datasetBinding(), artifactService(new ArtifactStore(dir))],
      logger,
    });
    const port = await grpc.listen('127.0.0.1', 0);
    assert.ok(port > 0, 'port 0 binds a free port');
    address = `127.0.0.1:${port}`;

    const Health = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');
    health = new Health(address, credentials.createInsecure()) as unknown as HealthClient;

    const reflectionProto = require.resolve(
      '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
    );
    const pkg = loadPackageDefinition(loadSync(reflectionProto, { keepCase: true }));
    const v1 = ((pkg.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject;
    const Reflection = v1.ServerReflection as ServiceClientConstructor;
    reflection = new Reflection(address, credentials.createInsecure()) as unknown as ReflectionClient;
  });

  after(() => {
    health.close();
    reflection.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (service: string) => callUnary(health.check.bind(health), { service });

  it('names the failmine services it serves', () => {
    assert.deepEqual(grpc.serviceNames, ['failmine.v1.DatasetService', 'failmine.v1.ArtifactService']);
  });

  it('serves the bound handlers', async () => {
    const client = createClient(DatasetServiceClient, address, { unaryDeadlineMs: 5000 });
    try {
      const res = await callUnary(client.describe.bind(client), {});
      assert.equal(res.info?.version, '9.9.9');
    } finally {
      client.close();
    }
  });

  it('answers SERVING for the server as a whole and for each failmine service', async () => {
    for (const service of ['', 'failmine.v1.DatasetService', 'failmine.v1.ArtifactService']) {
      assert.deepEqual(await check(service), { status: 'SERVING' }, `health of "${service}"`);
    }
  });

  it('answers NOT_FOUND for a service it does not serve', async () => {
    await assert.rejects(check('failmine.v1.TrainerService'), { code: status.NOT_FOUND });
  });

  it('reports a status set through its health handle', async () => {
    grpc.health.setStatus('failmine.v1.DatasetService', 'NOT_SERVING');
    try {
      assert.equal((await check('failmine.v1.DatasetService')).status, 'NOT_SERVING');
      assert.equal((await check('failmine.v1.ArtifactService')).status, 'SERVING');
    } finally {
      grpc.health.setStatus('failmine.v1.DatasetService', 'SERVING');
    }
  });

  it('lists its services through server reflection v1', async () => {
    const res = await reflect(reflection, { list_services: '' });
    const names = res.list_services_response?.service.map((s) => s.name) ?? [];
    for (const name of ['failmine.v1.DatasetService', 'failmine.v1.ArtifactService', 'grpc.health.v1.Health'])
      assert.ok(names.includes(name), `reflection lists ${name}: ${names.join(', ')}`);
  });

  it('returns the file that defines a failmine service, then the files it imports', async () => {
    const artifact = await reflect(reflection, { file_containing_symbol: 'failmine.v1.ArtifactService' });
    const files = artifact.file_descriptor_response?.file_descriptor_proto ?? [];
    assert.deepEqual(files.map(fileName), ['failmine/v1/common.proto']);
    // A serialized FileDescriptorProto holds its service and message names as plain strings.
    assert.match(files[0]?.toString('latin1') ?? '', /ArtifactService/);

    const dataset = await reflect(reflection, { file_containing_symbol: 'failmine.v1.DatasetService' });
    assert.deepEqual(dataset.file_descriptor_response?.file_descriptor_proto.map(fileName), [
      'failmine/v1/dataset.proto',
      'failmine/v1/common.proto',
    ]);
  });

  it('returns a file by its name', async () => {
    const res = await reflect(reflection, { file_by_filename: 'failmine/v1/inference.proto' });
    const files = res.file_descriptor_response?.file_descriptor_proto ?? [];
    assert.equal(files[0] && fileName(files[0]), 'failmine/v1/inference.proto');
    assert.doesNotMatch(files[0]?.toString('latin1') ?? '', /ArtifactService|DatasetService/);
  });

  it('answers NOT_FOUND through reflection for an unknown symbol', async () => {
    const res = await reflect(reflection, { file_containing_symbol: 'failmine.v1.NoSuchService' });
    assert.equal(res.error_response?.error_code, status.NOT_FOUND);
  });

  it('refuses a binding that lacks a handler, naming the method', () => {
    const broken = { definition: DatasetServiceService, handlers: {} } as unknown as ServiceBinding;
    assert.throws(
      () => createGrpcServer({ services: [broken], logger }),
      /no handler for \/failmine\.v1\.DatasetService\//,
    );
  });

  it('rejects listen on a port already in use', async () => {
    const other = createGrpcServer({ services: [], logger });
    try {
      await assert.rejects(other.listen('127.0.0.1', Number(address.split(':')[1])));
    } finally {
      other.server.forceShutdown();
    }
  });
});
