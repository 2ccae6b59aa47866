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
import { clientCache } from './client-cache.js';

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

/** The extract step's clients, each made on first use (clientCache). */
export function grpcExtractClients(addresses: ExtractAddresses, options: ClientOptions = {}): ExtractClients {
  const cache = clientCache();
  return {
    get dataset() {
      return cache.get('dataset', 'dataset', addresses.dataset, (a) => grpcDatasetClient(a, options));
    },
    get inference() {
      return cache.get('inference', 'inference', addresses.inference, (a) => grpcInferenceClient(a, options));
    },
    grader(category) {
      // Keyed by address: categories sharing a grader share its client.
      const address = addresses.graders[category] ?? '';
      return cache.get(`grader:${address}`, `${category} grader`, address, (a) =>
        grpcGraderClient(a, options),
      );
    },
    close: () => cache.close(),
  };
}
