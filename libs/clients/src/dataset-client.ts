import {
  DatasetServiceClient,
  type Example,
  StreamExamplesRequest,
  type TrainingRecord,
  WriteTrainingSetRequest,
} from '@failmine/contracts';
import { type ClientOptions, callClientStream, createClient } from '@failmine/runtime';
import { Metadata } from '@grpc/grpc-js';
import { type CallScope, deadlineMs, grpcCallOptions } from './call-scope.js';
import { categoryOf } from './category-label.js';
import { readServerStream } from './server-stream.js';
import { serviceCallError } from './service-call-error.js';

/** Which examples to stream; every field but `dataset` may be left out. */
export interface ExampleQuery {
  dataset: string;
  split?: string;
  /** Category label, "" or absent for any. */
  category?: string;
  /** Only these ids (a NOT_FOUND names the first unknown one). */
  ids?: readonly string[];
  /** 0 or absent means every example. */
  limit?: number;
}

/** The training-ready JSONL the dataset service wrote. */
export interface WrittenTrainingSet {
  sha256: string;
  sizeBytes: number;
  uri: string;
  recordsWritten: number;
}

/** The dataset service, as its callers use it. */
export interface DatasetClient {
  /** The examples of a query, as the dataset service parsed them (ground truth included). */
  examples(query: ExampleQuery, scope: CallScope): AsyncIterable<Example>;
  /** Writes a training-ready JSONL (deduplicated, leakage-checked) under the service's output dir. */
  writeTrainingSet(
    set: { name: string; outputPath: string; records: readonly TrainingRecord[] },
    scope: CallScope,
  ): Promise<WrittenTrainingSet>;
  close(): void;
}

/** A DatasetClient over gRPC to `address`. */
export function grpcDatasetClient(address: string, options: ClientOptions = {}): DatasetClient {
  const client = createClient(DatasetServiceClient, address, options);
  const fail = (scope: CallScope) => (err: unknown) => serviceCallError('dataset', address, err, scope);
  return {
    async *examples(query, scope) {
      const request = StreamExamplesRequest.fromPartial({
        dataset: query.dataset,
        split: query.split ?? '',
        category: categoryOf(query.category ?? ''),
        ids: [...(query.ids ?? [])],
        limit: query.limit ?? 0,
      });
      const call = client.streamExamples(request, new Metadata(), grpcCallOptions(scope));
      for await (const message of readServerStream(call, scope, fail(scope))) {
        if (message.example) yield message.example;
      }
    },
    async writeTrainingSet(set, scope) {
      const options = { name: set.name, outputPath: set.outputPath };
      const requests = [
        WriteTrainingSetRequest.fromPartial({ item: { $case: 'options', options } }),
        ...set.records.map((record) =>
          WriteTrainingSetRequest.fromPartial({ item: { $case: 'record', record } }),
        ),
      ];
      try {
        const res = await callClientStream(client.writeTrainingSet.bind(client), requests, {
          signal: scope.signal,
          ...deadlineMs(scope),
        });
        return {
          sha256: res.trainingSet?.sha256 ?? '',
          sizeBytes: Number(res.trainingSet?.sizeBytes ?? 0),
          uri: res.trainingSet?.uri ?? '',
          recordsWritten: Number(res.recordsWritten),
        };
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    close: () => client.close(),
  };
}
