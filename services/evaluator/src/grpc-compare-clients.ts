// The gRPC side of Compare's clients (compare-clients.ts): contract messages in and out,
// the caller's deadline and cancellation on every call, and downstream failures turned into
// errors that name the service.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  Category,
  categoryFromJSON,
  categoryToJSON,
  DatasetServiceClient,
  type GradeRequest,
  GraderServiceClient,
  type GroundTruth,
  InferenceServiceClient,
  ModelRef,
  Outcome,
} from '@failmine/contracts';
import {
  CancelledError,
  type ClientSecurity,
  callUnary,
  createClient,
  FailedPreconditionError,
  FailmineError,
  isServiceError,
  UnavailableError,
} from '@failmine/runtime';
import { type CallOptions, type ClientReadableStream, Metadata, status } from '@grpc/grpc-js';
import {
  type CallScope,
  type ChatEndpoint,
  type CompareClients,
  type EndpointSpec,
  type EvalItem,
  type GradedItem,
  type GradeInput,
  type Grader,
  JUDGE_ROUTE,
} from './compare-clients.js';

/** Where Compare's downstream services listen. */
export interface CompareAddresses {
  datasetAddress: string;
  inferenceAddress: string;
  /** The grader of every category without its own address. */
  graderAddress: string;
  /** Graders by route: a category label ("math", "code", "creativity") or "judge". */
  graderAddresses?: Readonly<Record<string, string>>;
}

/** How the clients connect, and how endpoint references are called. */
export interface CompareClientOptions {
  /** TLS and the shared token, sent to every downstream service. */
  security?: ClientSecurity | undefined;
  /** Makes the client of an endpoint reference (openai-endpoint.ts in main.ts). */
  endpoint?: (spec: EndpointSpec) => ChatEndpoint;
}

function callOptions(scope: CallScope): Partial<CallOptions> {
  return scope.deadline ? { deadline: scope.deadline } : {};
}

/** A downstream failure as an error naming the service; UNAVAILABLE comes after the client's retries. */
function downstreamError(service: string, address: string, err: unknown, scope: CallScope): Error {
  if (scope.signal.aborted)
    return new CancelledError(`Compare cancelled while calling the ${service} service`);
  if (!isServiceError(err)) return err as Error;
  if (err.code === status.UNAVAILABLE) {
    return new UnavailableError(`${service} service at ${address} is unavailable: ${err.details}`, {
      cause: err,
    });
  }
  return new FailmineError(err.code, `${service} service: ${err.details}`, { cause: err });
}

/** Reads a server stream, cancelling it when the scope aborts or the reader stops early. */
async function* readStream<T>(
  call: ClientReadableStream<T> | AsyncIterable<unknown>,
  cancel: () => void,
  scope: CallScope,
  onError: (err: unknown) => Error,
): AsyncGenerator<T> {
  let finished = false;
  scope.signal.addEventListener('abort', cancel, { once: true });
  try {
    for await (const msg of call as AsyncIterable<T>) yield msg;
    finished = true;
  } catch (err) {
    finished = true;
    throw onError(err);
  } finally {
    scope.signal.removeEventListener('abort', cancel);
    if (!finished) cancel();
  }
}

const categoryOf = (label: string): Category =>
  label === '' ? Category.CATEGORY_UNSPECIFIED : categoryFromJSON(`CATEGORY_${label.toUpperCase()}`);

const categoryLabelOf = (c: Category): string =>
  c === Category.CATEGORY_UNSPECIFIED
    ? ''
    : categoryToJSON(c)
        .replace(/^CATEGORY_/, '')
        .toLowerCase();

const PAIRWISE = new Map<Outcome, 'win' | 'tie' | 'loss'>([
  [Outcome.OUTCOME_WIN, 'win'],
  [Outcome.OUTCOME_TIE, 'tie'],
  [Outcome.OUTCOME_LOSS, 'loss'],
]);

/** Compare's clients over gRPC, plus close() for shutdown. */
export function createGrpcCompareClients(
  addresses: CompareAddresses,
  options: CompareClientOptions = {},
): CompareClients & { close(): void } {
  const security = options.security ? { security: options.security } : {};
  const dataset = createClient(DatasetServiceClient, addresses.datasetAddress, security);
  const inference = createClient(InferenceServiceClient, addresses.inferenceAddress, security);
  // One client per distinct address: routes sharing a grader share its channel.
  const routes = addresses.graderAddresses ?? {};
  const graderClients = new Map<string, GraderServiceClient>();
  for (const address of new Set([addresses.graderAddress, ...Object.values(routes)])) {
    graderClients.set(address, createClient(GraderServiceClient, address, security));
  }
  const fail = (service: string, address: string, scope: CallScope) => (err: unknown) =>
    downstreamError(service, address, err, scope);
  return {
    dataset: {
      async *examples(q, scope) {
        const call = dataset.streamExamples(
          {
            dataset: q.dataset,
            category: categoryOf(q.category),
            split: q.split,
            ids: [...q.ids],
            offset: 0,
            limit: q.limit,
            format: { shots: 0, chat: false, style: '' },
            seed: 0,
          },
          new Metadata(),
          callOptions(scope),
        );
        const onError = fail('dataset', addresses.datasetAddress, scope);
        for await (const msg of readStream(call, () => call.cancel(), scope, onError)) {
          const e = msg.example;
          if (!e) continue;
          const item: EvalItem = {
            id: e.id,
            dataset: e.dataset,
            category: categoryLabelOf(e.category),
            prompt: e.prompt,
            metadata: e.metadata,
            groundTruth: e.groundTruth,
            openEnded: e.groundTruth?.kind?.$case === 'openEnded',
          };
          yield item;
        }
      },
    },
    inference: {
      async load(model, scope) {
        try {
          // The ref is the contract's ModelRef: compare-request-codec.ts built it.
          const res = await callUnary(
            inference.loadModel.bind(inference),
            { model: model.ref as ModelRef, modelId: modelIdOf(model.ref as ModelRef), device: '' },
            {
              signal: scope.signal,
              ...(scope.deadline ? { deadlineMs: scope.deadline.getTime() - Date.now() } : {}),
            },
          );
          return res.modelId;
        } catch (err) {
          throw downstreamError('inference', addresses.inferenceAddress, err, scope);
        }
      },
      async *generate(modelId, prompts, sampling, scope) {
        const call = inference.generate(
          {
            modelId,
            prompts: prompts.map((p) => ({ id: p.id, text: p.text, messages: [] })),
            sampling: { ...sampling, stop: [...sampling.stop] },
            streamTokens: false,
          },
          new Metadata(),
          callOptions(scope),
        );
        const onError = fail('inference', addresses.inferenceAddress, scope);
        for await (const msg of readStream(call, () => call.cancel(), scope, onError)) {
          if (msg.event?.$case !== 'completion') continue;
          const c = msg.event.completion;
          yield {
            promptId: c.promptId,
            text: c.text,
            promptTokens: c.usage?.promptTokens ?? 0,
            completionTokens: c.usage?.completionTokens ?? 0,
            deviceSeconds: c.usage?.deviceSeconds ?? 0,
          };
        }
      },
    },
    grader(route) {
      const address = routes[route] ?? (route === JUDGE_ROUTE ? undefined : addresses.graderAddress);
      if (address === undefined) {
        throw new FailedPreconditionError(
          'the set has open-ended items, which only a pairwise judge decides: start the evaluator with --grader-address-judge',
        );
      }
      return grpcGrader(graderClients.get(address) as GraderServiceClient, address, fail);
    },
    endpoint(spec) {
      if (!options.endpoint)
        throw new FailedPreconditionError('reference.endpoint: this evaluator calls no endpoints');
      return options.endpoint(spec);
    },
    close() {
      dataset.close();
      inference.close();
      for (const client of graderClients.values()) client.close();
    },
  };
}

function grpcGrader(
  client: GraderServiceClient,
  address: string,
  fail: (service: string, address: string, scope: CallScope) => (err: unknown) => Error,
): Grader {
  return {
    async *grade(items, settings, scope): AsyncGenerator<GradedItem> {
      const call = client.grade(new Metadata(), callOptions(scope));
      const requests: GradeRequest[] = [
        ...(settings ? [{ message: { $case: 'options' as const, options: settings } }] : []),
        ...items.map((i) => ({ message: { $case: 'item' as const, item: gradeItem(i) } })),
      ];
      // Written while verdicts are read: the grader answers as items arrive and pushes back.
      void (async () => {
        for (const req of requests) {
          // once() rejects when the call fails, so a dead stream does not leave this loop waiting.
          if (!call.write(req)) await once(call, 'drain');
        }
        call.end();
      })().catch(() => call.cancel());
      for await (const msg of readStream(call, () => call.cancel(), scope, fail('grader', address, scope))) {
        const v = (msg as { verdict?: { itemId: string; correct: boolean; outcome: Outcome } }).verdict;
        if (v) yield { id: v.itemId, correct: v.correct, judged: PAIRWISE.get(v.outcome) };
      }
    },
  };
}

function gradeItem(g: GradeInput) {
  return {
    id: g.id,
    category: categoryOf(g.item.category),
    prompt: g.item.prompt,
    completion: g.completion,
    // Opaque to the domain: the GroundTruth the dataset service sent with the example.
    groundTruth: g.item.groundTruth as GroundTruth | undefined,
    otherCompletion: g.otherCompletion ?? '',
  };
}

// The inference service's default handle is "<model dir>+<adapter dir name>", and every uploaded
// adapter unpacks under the same dir name: a second adapter (a run's next validation) would
// collide with the first. A handle derived from the whole ref is stable for the same model
// and distinct for another adapter.
function modelIdOf(ref: ModelRef): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(ModelRef.toJSON(ref)))
    .digest('hex');
  return `eval-${digest.slice(0, 16)}`;
}
