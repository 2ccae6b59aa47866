import { once } from 'node:events';
import {
  type GradeItem,
  type GradeOptions,
  GradeRequest,
  GraderServiceClient,
  Outcome,
  type Verdict,
} from '@failmine/contracts';
import { type ClientOptions, createClient } from '@failmine/runtime';
import { Metadata } from '@grpc/grpc-js';
import { type CallScope, grpcCallOptions } from './call-scope.js';
import { readServerStream } from './server-stream.js';
import { serviceCallError } from './service-call-error.js';

/** A grader service (any implementation of the contract), as its callers use it. */
export interface GraderClient {
  /**
   * One Grade stream: the options (when given), then every item; verdicts come back as the
   * grader decides them. Items are written while verdicts are read, with backpressure, so a
   * large set never sits whole in the channel's buffers.
   */
  grade(
    items: readonly GradeItem[],
    options: Partial<GradeOptions> | undefined,
    scope: CallScope,
  ): AsyncIterable<Verdict>;
  close(): void;
}

/** A GraderClient over gRPC to `address`. */
export function grpcGraderClient(address: string, options: ClientOptions = {}): GraderClient {
  const client = createClient(GraderServiceClient, address, options);
  return {
    async *grade(items, gradeOptions, scope) {
      const call = client.grade(new Metadata(), grpcCallOptions(scope));
      const requests = [
        ...(gradeOptions
          ? [GradeRequest.fromPartial({ message: { $case: 'options', options: gradeOptions } })]
          : []),
        ...items.map((item) => GradeRequest.fromPartial({ message: { $case: 'item', item } })),
      ];
      void (async () => {
        for (const request of requests) {
          // once() rejects when the call fails, so a dead stream does not leave this loop waiting.
          if (!call.write(request)) await once(call, 'drain');
        }
        call.end();
      })().catch(() => call.cancel());
      const fail = (err: unknown) => serviceCallError('grader', address, err, scope);
      for await (const message of readServerStream(call, scope, fail)) {
        if (message.verdict) yield message.verdict;
      }
    },
    close: () => client.close(),
  };
}

const PAIRWISE = new Map<Outcome, 'win' | 'tie' | 'loss'>([
  [Outcome.OUTCOME_WIN, 'win'],
  [Outcome.OUTCOME_TIE, 'tie'],
  [Outcome.OUTCOME_LOSS, 'loss'],
]);

/** A pairwise judge's decision on a verdict, or undefined for a plain correct / incorrect one. */
export function pairwiseOutcome(outcome: Outcome): 'win' | 'tie' | 'loss' | undefined {
  return PAIRWISE.get(outcome);
}
