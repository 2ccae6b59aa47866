import {
  GenerateRequest,
  InferenceServiceClient,
  LoadModelRequest,
  type ModelRef,
  type SamplingParams,
} from '@failmine/contracts';
import { type ClientOptions, callUnary, createClient } from '@failmine/runtime';
import { Metadata } from '@grpc/grpc-js';
import { type CallScope, deadlineMs, grpcCallOptions } from './call-scope.js';
import { readServerStream } from './server-stream.js';
import { serviceCallError } from './service-call-error.js';

/** One prompt of a Generate call; `id` is unique within the call. */
export interface PromptText {
  id: string;
  text: string;
}

/** One finished completion and what it cost. */
export interface GeneratedText {
  promptId: string;
  text: string;
  promptTokens: number;
  completionTokens: number;
  deviceSeconds: number;
  /** "cpu" or "cuda". */
  deviceKind: string;
}

/** A loaded model's handle. */
export interface LoadedModel {
  modelId: string;
  device: string;
}

/** The inference service, as its callers use it. */
export interface InferenceClient {
  /** Loads a model (a no-op when `modelId` is loaded already) and returns its handle. */
  load(
    request: { model: ModelRef; modelId?: string; device?: string },
    scope: CallScope,
  ): Promise<LoadedModel>;
  /** Completions of one batch of prompts, in the order they finish. */
  generate(
    modelId: string,
    prompts: readonly PromptText[],
    sampling: Partial<SamplingParams>,
    scope: CallScope,
  ): AsyncIterable<GeneratedText>;
  close(): void;
}

/** An InferenceClient over gRPC to `address`. */
export function grpcInferenceClient(address: string, options: ClientOptions = {}): InferenceClient {
  const client = createClient(InferenceServiceClient, address, options);
  const fail = (scope: CallScope) => (err: unknown) => serviceCallError('inference', address, err, scope);
  return {
    async load(request, scope) {
      const message = LoadModelRequest.fromPartial({
        model: request.model,
        modelId: request.modelId ?? '',
        device: request.device ?? '',
      });
      try {
        const res = await callUnary(client.loadModel.bind(client), message, {
          signal: scope.signal,
          ...deadlineMs(scope),
        });
        return { modelId: res.modelId, device: res.device };
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    async *generate(modelId, prompts, sampling, scope) {
      const request = GenerateRequest.fromPartial({
        modelId,
        prompts: prompts.map((p) => ({ id: p.id, text: p.text })),
        sampling: { ...sampling, stop: [...(sampling.stop ?? [])] },
      });
      const call = client.generate(request, new Metadata(), grpcCallOptions(scope));
      for await (const message of readServerStream(call, scope, fail(scope))) {
        if (message.event?.$case !== 'completion') continue;
        const c = message.event.completion;
        yield {
          promptId: c.promptId,
          text: c.text,
          promptTokens: Number(c.usage?.promptTokens ?? 0),
          completionTokens: Number(c.usage?.completionTokens ?? 0),
          deviceSeconds: c.usage?.deviceSeconds ?? 0,
          deviceKind: c.usage?.deviceKind || 'cpu',
        };
      }
    },
    close: () => client.close(),
  };
}
