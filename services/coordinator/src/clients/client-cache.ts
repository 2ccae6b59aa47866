/**
 * Clients made on first use and closed together. A run without an extract step (or a one-step
 * train or validate) has no address for the services it does not call, and an empty address
 * is not a valid gRPC target; clients under one key (several categories sharing a grader) are
 * made once.
 */
export function clientCache() {
  const made = new Map<string, { close(): void }>();
  return {
    /** The client under `key`, made from `address` the first time; throws when there is no address. */
    get<C extends { close(): void }>(
      key: string,
      service: string,
      address: string,
      make: (a: string) => C,
    ): C {
      let client = made.get(key) as C | undefined;
      if (!client) {
        if (!address) throw new Error(`no ${service} service address`);
        client = make(address);
        made.set(key, client);
      }
      return client;
    },
    /** Closes every client made so far. */
    close(): void {
      for (const client of made.values()) client.close();
      made.clear();
    },
  };
}
