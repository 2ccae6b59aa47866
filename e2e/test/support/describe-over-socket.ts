import type { ServiceInfo } from '@failmine/contracts';
import { callUnary, createClient } from '@failmine/runtime';
import type {
  CallOptions,
  ChannelCredentials,
  ChannelOptions,
  Client,
  ClientUnaryCall,
  Metadata,
  ServiceError,
} from '@grpc/grpc-js';

/** The Describe method every failmine service has (each with its own, empty, request type). */
type DescribeMethod = (
  request: Record<string, never>,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, response: { info?: ServiceInfo | undefined }) => void,
) => ClientUnaryCall;

/** A generated failmine client class, e.g. DatasetServiceClient. */
export type DescribableClient = new (
  address: string,
  creds: ChannelCredentials,
  options?: ChannelOptions,
) => Client & { describe: DescribeMethod };

/** Calls Describe with the generated client over a fresh connection and returns its ServiceInfo. */
export async function describeOverSocket(Ctor: DescribableClient, address: string): Promise<ServiceInfo> {
  const client = createClient(Ctor, address, { unaryDeadlineMs: 5_000 });
  try {
    const res = await callUnary(client.describe.bind(client), {});
    if (!res.info) throw new Error(`Describe on ${address} answered without info`);
    return res.info;
  } finally {
    client.close();
  }
}
