import type { ClientOptions, GrpcServer } from '@failmine/runtime';
import { type ClientConstructor, clientSet } from './client-set.js';

/** A service's gRPC server listening in this process, and the clients connected to it. */
export interface InProcessServer {
  /** "127.0.0.1:<port>", to dial. */
  address: string;
  /** The free port it was given. */
  port: number;
  /** A client of this server (createClient's options), closed by close(). */
  connect<C extends { close(): void }>(Ctor: ClientConstructor<C>, options?: ClientOptions): C;
  /** Closes the clients connected through connect(), then stops the server at once. */
  close(): void;
}

/**
 * Binds a server built by a service's createServer(deps) to a free loopback port, so its tests
 * call it over a real socket with the generated clients (STYLE.md rule 16). Call close() in an
 * after() hook.
 */
export async function serveInProcess(grpc: GrpcServer): Promise<InProcessServer> {
  const port = await grpc.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const clients = clientSet();
  return {
    address,
    port,
    connect: (Ctor, options) => clients.connect(Ctor, address, options),
    close() {
      clients.close();
      // Not tryShutdown: a test that failed mid-stream must not leave the file waiting on it.
      grpc.server.forceShutdown();
    },
  };
}
