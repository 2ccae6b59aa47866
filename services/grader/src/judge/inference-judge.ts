// The judge backend that calls a failmine inference service. This is the one domain-side file
// that speaks gRPC: it turns the judge conversations into a greedy Generate call and the
// inference service's statuses into the grader's typed errors.
import { type GenerateResponse, InferenceServiceClient } from '@failmine/contracts';
import {
  CancelledError,
  callUnary,
  createClient,
  FailedPreconditionError,
  isServiceError,
  UnavailableError,
} from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import type { JudgeBackend } from './pairwise-judge.js';

/** Where the judge model is served and how much it may write. */
export interface InferenceJudgeOptions {
  /** host:port of the inference service. */
  address: string;
  /** The model handle Generate is called with. */
  modelId: string;
  /** An HF directory on the inference node to LoadModel under modelId at start; none when empty. */
  modelPath: string;
  maxNewTokens: number;
}

// LoadModel of a multi-GB checkpoint can take minutes on CPU.
const LOAD_DEADLINE_MS = 600_000;

function judgeError(description: string, err: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return new CancelledError(`judge call to ${description} cancelled`);
  if (!isServiceError(err)) return err instanceof Error ? err : new Error(String(err));
  const why = `${status[err.code]}: ${err.details}`;
  // A judge that is down or slow may come back; one that refuses the request needs a person.
  if (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED)
    return new UnavailableError(`judge ${description}: ${why}`, { cause: err });
  return new FailedPreconditionError(`judge ${description} refused the request: ${why}`, { cause: err });
}

/** Connects to the inference service (loading the model first when modelPath is set). */
export async function createInferenceJudge(o: InferenceJudgeOptions): Promise<JudgeBackend> {
  const client = createClient(InferenceServiceClient, o.address);
  const description = `inference ${o.address} model ${o.modelId}`;
  if (o.modelPath !== '') {
    const model = { source: { $case: 'path' as const, path: o.modelPath }, adapters: [], displayName: '' };
    await callUnary(
      client.loadModel.bind(client),
      { model, modelId: o.modelId, device: '' },
      { deadlineMs: LOAD_DEADLINE_MS },
    ).catch((err: unknown) => {
      client.close();
      throw judgeError(description, err, new AbortController().signal);
    });
  }
  return {
    description,
    async judge(conversations, { signal, timeoutMs }) {
      if (signal.aborted) throw new CancelledError(`judge call to ${description} cancelled`);
      // Both orders go in one request, so the service can run them in one device batch.
      const call = client.generate(
        {
          modelId: o.modelId,
          prompts: conversations.map((messages, i) => ({ id: String(i), text: '', messages })),
          sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: o.maxNewTokens, stop: [], seed: 0 },
          streamTokens: false,
        },
        { deadline: Date.now() + timeoutMs },
      );
      // A derived signal per call: items in flight share the stream's signal, and a listener
      // each on it would pile up past Node's warning limit.
      const local = AbortSignal.any([signal]);
      local.addEventListener('abort', () => call.cancel(), { once: true });
      const texts: (string | undefined)[] = conversations.map(() => undefined);
      try {
        for await (const r of call as AsyncIterable<GenerateResponse>)
          if (r.event?.$case === 'completion')
            texts[Number(r.event.completion.promptId)] = r.event.completion.text;
      } catch (err) {
        throw judgeError(description, err, signal);
      }
      const missing = texts.indexOf(undefined);
      if (missing >= 0)
        throw new UnavailableError(`judge ${description} sent no completion for prompt ${missing}`);
      return texts as string[];
    },
    close: () => client.close(),
  };
}
