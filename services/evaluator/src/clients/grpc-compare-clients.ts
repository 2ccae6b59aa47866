// Compare's clients (compare-clients.ts) over @failmine/clients: contract messages in and out,
// the caller's deadline and cancellation on every call, failures naming the service.
import { createHash } from 'node:crypto';
import {
  categoryLabel,
  categoryOf,
  type GraderClient,
  grpcDatasetClient,
  grpcGraderClient,
  grpcInferenceClient,
  pairwiseOutcome,
} from '@failmine/clients';
import { type GroundTruth, ModelRef } from '@failmine/contracts';
import { type ClientSecurity, FailedPreconditionError } from '@failmine/runtime';
import {
  type ChatEndpoint,
  type CompareClients,
  type EndpointSpec,
  type EvalItem,
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

/** Compare's clients over gRPC, plus close() for shutdown. */
export function createGrpcCompareClients(
  addresses: CompareAddresses,
  options: CompareClientOptions = {},
): CompareClients & { close(): void } {
  const connect = options.security ? { security: options.security } : {};
  const dataset = grpcDatasetClient(addresses.datasetAddress, connect);
  const inference = grpcInferenceClient(addresses.inferenceAddress, connect);
  // One client per distinct address: routes sharing a grader share its channel.
  const routes = addresses.graderAddresses ?? {};
  const graders = new Map<string, GraderClient>();
  for (const address of new Set([addresses.graderAddress, ...Object.values(routes)])) {
    graders.set(address, grpcGraderClient(address, connect));
  }
  return {
    dataset: {
      async *examples(q, scope) {
        const query = {
          dataset: q.dataset,
          category: q.category,
          split: q.split,
          ids: q.ids,
          limit: q.limit,
        };
        for await (const e of dataset.examples(query, scope)) {
          const item: EvalItem = {
            id: e.id,
            dataset: e.dataset,
            category: categoryLabel(e.category),
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
        // The ref is the contract's ModelRef: compare-request-codec.ts built it.
        const ref = model.ref as ModelRef;
        return (await inference.load({ model: ref, modelId: modelIdOf(ref) }, scope)).modelId;
      },
      async *generate(modelId, prompts, sampling, scope) {
        const generated = inference.generate(
          modelId,
          prompts,
          { ...sampling, stop: [...sampling.stop] },
          scope,
        );
        for await (const c of generated) {
          const { promptId, text, promptTokens, completionTokens, deviceSeconds } = c;
          yield { promptId, text, promptTokens, completionTokens, deviceSeconds };
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
      return graderOf(graders.get(address) as GraderClient);
    },
    endpoint(spec) {
      if (!options.endpoint)
        throw new FailedPreconditionError('reference.endpoint: this evaluator calls no endpoints');
      return options.endpoint(spec);
    },
    close() {
      dataset.close();
      inference.close();
      for (const client of graders.values()) client.close();
    },
  };
}

function graderOf(client: GraderClient): Grader {
  return {
    async *grade(items, settings, scope) {
      for await (const v of client.grade(items.map(gradeItem), settings, scope)) {
        yield { id: v.itemId, correct: v.correct, judged: pairwiseOutcome(v.outcome) };
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
