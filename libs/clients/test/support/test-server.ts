// In-process gRPC servers that implement only the methods a test needs (the rest answer
// UNIMPLEMENTED), on a real loopback socket: the clients are exercised over the wire.
import {
  createGrpcServer,
  createLogger,
  type GrpcServer,
  type ServiceHandlers,
  UnimplementedError,
} from '@failmine/runtime';

/** A listening server and its address; close() stops it at once. */
export interface TestServer {
  address: string;
  grpc: GrpcServer;
  close(): void;
}

/** Serves `handlers` for `definition` on 127.0.0.1 and a free port. */
export async function serveTest<D extends object>(
  definition: D,
  handlers: Partial<ServiceHandlers<D>>,
): Promise<TestServer> {
  const full = Object.fromEntries(
    Object.keys(definition).map((name) => [
      name,
      (handlers as Record<string, unknown>)[name] ??
        (() => {
          throw new UnimplementedError(`${name} is not served by this test server`);
        }),
    ]),
  ) as ServiceHandlers<D>;
  const grpc = createGrpcServer({
    services: [{ definition, handlers: full }],
    logger: createLogger('clients-test', 'silent'),
  });
  const port = await grpc.listen('127.0.0.1', 0);
  return { address: `127.0.0.1:${port}`, grpc, close: () => grpc.server.forceShutdown() };
}
