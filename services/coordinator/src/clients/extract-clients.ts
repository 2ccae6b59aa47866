import {
  type DatasetClient,
  type GraderClient,
  grpcDatasetClient,
  grpcGraderClient,
  grpcInferenceClient,
  type InferenceClient,
} from '@failmine/clients';
import type { ClientOptions } from '@failmine/runtime';
import type { CategoryName } from '../plan/category-sets.js';

/** Addresses of the services extract needs: the grader of each category it mines. */
export interface ExtractAddresses {
  dataset: string;
  inference: string;
  graders: Partial<Record<CategoryName, string>>;
}

/** The service clients an extract step calls; close() ends their channels. */
export interface ExtractClients {
  dataset: DatasetClient;
  inference: InferenceClient;
  /** The grader of a mined category. */
  grader(category: CategoryName): GraderClient;
  close(): void;
}

/**
 * Clients made on first use: a run without an extract step has no dataset or inference
 * address, and an empty address is not a valid gRPC target. Categories sharing a grader
 * address share its client.
 */
export function grpcExtractClients(addresses: ExtractAddresses, options: ClientOptions = {}): ExtractClients {
  let dataset: DatasetClient | undefined;
  let inference: InferenceClient | undefined;
  const graders = new Map<string, GraderClient>();
  return {
    get dataset() {
      dataset ??= grpcDatasetClient(required('dataset', addresses.dataset), options);
      return dataset;
    },
    get inference() {
      inference ??= grpcInferenceClient(required('inference', addresses.inference), options);
      return inference;
    },
    grader(category) {
      const address = required(`${category} grader`, addresses.graders[category] ?? '');
      let client = graders.get(address);
      if (!client) {
        client = grpcGraderClient(address, options);
        graders.set(address, client);
      }
      return client;
    },
    close() {
      dataset?.close();
      inference?.close();
      for (const g of graders.values()) g.close();
      graders.clear();
    },
  };
}

function required(service: string, address: string): string {
  if (!address) throw new Error(`no ${service} service address`);
  return address;
}
