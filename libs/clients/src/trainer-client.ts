import {
  CancelTrainingRequest,
  type StartTrainingRequest,
  TrainerServiceClient,
  type TrainingProgress,
  type TrainingResult,
} from '@failmine/contracts';
import { type ClientOptions, callUnary, createClient } from '@failmine/runtime';
import { Metadata, status } from '@grpc/grpc-js';
import { type CallScope, deadlineMs, grpcCallOptions } from './call-scope.js';
import { readServerStream } from './server-stream.js';
import { ServiceCallError, serviceCallError } from './service-call-error.js';

/** The trainer service, as its callers use it. */
export interface TrainerClient {
  /**
   * Runs StartTraining to its end: `onProgress` sees each progress event as it arrives; resolves
   * with the result, whose adapter artifact is stored on the trainer (pull it from there by
   * sha256). A stream that ends without a result, or a result without an adapter, is INTERNAL.
   */
  startTraining(
    request: StartTrainingRequest,
    onProgress: (progress: TrainingProgress) => void,
    scope: CallScope,
  ): Promise<TrainingResult>;
  /** Stops a running job at its next step boundary; false when none of that id runs. */
  cancelTraining(jobId: string, scope: CallScope): Promise<boolean>;
  close(): void;
}

/** A TrainerClient over gRPC to `address`. */
export function grpcTrainerClient(address: string, options: ClientOptions = {}): TrainerClient {
  const client = createClient(TrainerServiceClient, address, options);
  const fail = (scope: CallScope) => (err: unknown) => serviceCallError('trainer', address, err, scope);
  const breach = (detail: string) =>
    new ServiceCallError('trainer', address, status.INTERNAL, detail, undefined);
  return {
    async startTraining(request, onProgress, scope) {
      const call = client.startTraining(request, new Metadata(), grpcCallOptions(scope));
      let result: TrainingResult | undefined;
      // Read to the end, not just to the result: the call's OK status is part of the answer.
      for await (const message of readServerStream(call, scope, fail(scope))) {
        const event = message.event;
        if (event?.$case === 'progress') onProgress(event.progress);
        else if (event?.$case === 'result') result = event.result;
      }
      if (!result) throw breach('the training stream ended without a result');
      if (!result.adapter?.sha256) throw breach('the trainer answered without an adapter artifact');
      return result;
    },
    async cancelTraining(jobId, scope) {
      try {
        const res = await callUnary(
          client.cancelTraining.bind(client),
          CancelTrainingRequest.fromPartial({ jobId }),
          {
            signal: scope.signal,
            ...deadlineMs(scope),
          },
        );
        return res.cancelled;
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    close: () => client.close(),
  };
}
