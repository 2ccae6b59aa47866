import {
  type CompareProgress,
  type CompareRequest,
  type Evaluation,
  EvaluatorServiceClient,
} from '@failmine/contracts';
import { type ClientOptions, createClient } from '@failmine/runtime';
import { Metadata, status } from '@grpc/grpc-js';
import { type CallScope, grpcCallOptions } from './call-scope.js';
import { readServerStream } from './server-stream.js';
import { ServiceCallError, serviceCallError } from './service-call-error.js';

/** The evaluator service, as its callers use it. */
export interface EvaluatorClient {
  /**
   * Runs Compare to its end: `onProgress` sees each progress event (phase, done, total) as it
   * arrives; resolves with the evaluation. A stream that ends without one is INTERNAL.
   */
  compare(
    request: CompareRequest,
    onProgress: (progress: CompareProgress) => void,
    scope: CallScope,
  ): Promise<Evaluation>;
  close(): void;
}

/** An EvaluatorClient over gRPC to `address`. */
export function grpcEvaluatorClient(address: string, options: ClientOptions = {}): EvaluatorClient {
  const client = createClient(EvaluatorServiceClient, address, options);
  return {
    async compare(request, onProgress, scope) {
      const call = client.compare(request, new Metadata(), grpcCallOptions(scope));
      const fail = (err: unknown) => serviceCallError('evaluator', address, err, scope);
      let evaluation: Evaluation | undefined;
      // Read to the end, not just to the evaluation: the call's OK status is part of the answer.
      for await (const message of readServerStream(call, scope, fail)) {
        const event = message.event;
        if (event?.$case === 'progress') onProgress(event.progress);
        else if (event?.$case === 'evaluation') evaluation = event.evaluation;
      }
      if (evaluation) return evaluation;
      throw new ServiceCallError(
        'evaluator',
        address,
        status.INTERNAL,
        'the comparison stream ended without an evaluation',
        undefined,
      );
    },
    close: () => client.close(),
  };
}
