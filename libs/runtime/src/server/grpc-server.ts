import { createRequire } from 'node:module';
import { loadDescriptorSet } from '@failmine/contracts';
import { Server, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import type { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Logger } from 'pino';
import { type CallSecurity, guardHandler } from '../security/call-auth.js';
import { type ServerTls, serverCredentials } from '../security/tls-credentials.js';
import { adaptHandler, type ServiceHandlers } from './handlers.js';

/** A generated service definition and the async handlers that implement it. */
export interface ServiceBinding<D = unknown> {
  definition: D;
  handlers: ServiceHandlers<D>;
}

/** Pairs a generated definition with its handlers; the types check every method is there. */
export function bindService<D>(definition: D, handlers: ServiceHandlers<D>): ServiceBinding<D> {
  return { definition, handlers };
}

/** A gRPC server with health and reflection, not yet bound to a port. */
export interface GrpcServer {
  server: Server;
  health: HealthImplementation;
  /** Fully qualified names of the failmine services it serves, e.g. "failmine.v1.DatasetService". */
  serviceNames: string[];
  /** Binds host:port (0 picks a free port), with TLS when given, and returns the bound port. */
  listen(host: string, port: number, tls?: ServerTls): Promise<number>;
  /** Requires every call to the bound services to carry this shared token (undefined: none). */
  requireToken(token: string | undefined): void;
}

/**
 * Builds a server from service bindings, adding the standard health service (each service
 * SERVING, plus the "" overall status) and server reflection (grpcurl can list and call).
 */
export function createGrpcServer(options: { services: ServiceBinding[]; logger: Logger }): GrpcServer {
  const server = new Server();
  const serviceNames: string[] = [];
  const security: CallSecurity = { authToken: undefined };
  for (const { definition, handlers } of options.services) {
    const methods = definition as Record<string, Parameters<typeof adaptHandler>[0]>;
    const impl: UntypedServiceImplementation = {};
    for (const [name, method] of Object.entries(methods)) {
      const handler = (handlers as Record<string, unknown>)[name];
      if (typeof handler !== 'function') throw new Error(`no handler for ${method.path}`);
      const guarded = guardHandler(
        method.responseStream,
        handler as Parameters<typeof guardHandler>[1],
        security,
      );
      impl[name] = adaptHandler(method, guarded, options.logger);
    }
    server.addService(definition as ServiceDefinition, impl);
    const first = Object.values(methods)[0];
    if (first) serviceNames.push(first.path.split('/')[1] ?? '');
  }

  const health = new HealthImplementation({
    '': 'SERVING',
    ...Object.fromEntries(serviceNames.map((n) => [n, 'SERVING' as const])),
  });
  health.addToServer(server);
  reflection().addToServer(server);

  return {
    server,
    health,
    serviceNames,
    listen: (host, port, tls) =>
      new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, serverCredentials(tls), (err, bound) =>
          err ? reject(err) : resolve(bound),
        );
      }),
    requireToken: (token) => {
      security.authToken = token;
    },
  };
}

let reflectionService: ReflectionService | undefined;

// The descriptor set covers failmine.v1; the health proto comes from grpc-health-check so that
// grpcurl can describe it too. Built once per process: parsing descriptors is not free.
function reflection(): ReflectionService {
  if (reflectionService) return reflectionService;
  const set = loadDescriptorSet();
  const failmine = loadFileDescriptorSetFromBuffer(set);
  // NOTE: proto-loader merges the set into one made-up file named after its last file (every
  // failmine type "lives" in failmine/v1/inference.proto), which reflection would then
  // serve for any symbol. Reflection indexes the files it finds on the types, so give every
  // type the set's real files instead.
  const files = splitDescriptorSet(set);
  for (const type of Object.values(failmine))
    if ('fileDescriptorProtos' in type) type.fileDescriptorProtos = files;
  // Required lazily: @grpc/reflection takes most of a second to load, which processes that
  // never build a server (the CLI, domain tests importing errors from here) should not pay.
  const { ReflectionService: Reflection } = createRequire(import.meta.url)(
    '@grpc/reflection',
  ) as typeof import('@grpc/reflection');
  reflectionService = new Reflection({ ...failmine, ...loadSync(healthProtoPath) });
  return reflectionService;
}

// A FileDescriptorSet is `repeated FileDescriptorProto file = 1`: a run of (tag 0x0a, varint
// length, bytes) records whose bytes are each file's encoded FileDescriptorProto.
function splitDescriptorSet(set: Buffer): Buffer[] {
  const files: Buffer[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = set[at++];
      if (byte === undefined) throw new Error('truncated FileDescriptorSet');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < set.length) {
    if (varint() !== 0x0a) throw new Error('unexpected field in FileDescriptorSet');
    const length = varint();
    files.push(set.subarray(at, at + length));
    at += length;
  }
  return files;
}
