import { type ClientOptions, createClient } from '@failmine/runtime';
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';

/** A generated gRPC client class, e.g. DatasetServiceClient (what createClient takes). */
export type ClientConstructor<C> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: ChannelOptions,
) => C;

/** Clients made for one test, closed together by close(). */
export interface ClientSet {
  /** createClient(Ctor, address, options), remembered so close() closes it. */
  connect<C extends { close(): void }>(
    Ctor: ClientConstructor<C>,
    address: string,
    options?: ClientOptions,
  ): C;
  /** Closes every client connected so far (closing one twice is harmless). */
  close(): void;
}

/** An empty set of clients. */
export function clientSet(): ClientSet {
  const clients: { close(): void }[] = [];
  return {
    connect(Ctor, address, options) {
      const client = createClient(Ctor, address, options);
      clients.push(client);
      return client;
    },
    close() {
      for (const client of clients.splice(0)) client.close();
    },
  };
}
