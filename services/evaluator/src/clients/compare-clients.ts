// What Compare needs from the dataset, inference and grader services, as small interfaces in
// domain terms. compare.ts depends only on these, so it is tested with in-memory fakes; the
// gRPC implementations live in grpc-compare-clients.ts.

/** Which examples to evaluate (EvaluationSet). */
export interface SetQuery {
  dataset: string;
  /** Category label ("math", "code", "creativity") or "" for any. */
  category: string;
  split: string;
  /** 0 means no limit. */
  limit: number;
  ids: readonly string[];
}

/** One benchmark problem as Compare sees it. */
export interface EvalItem {
  id: string;
  dataset: string;
  /** Category label ("math", ...), "" when unspecified. */
  category: string;
  prompt: string;
  /** Subject, difficulty and other facts, for breakdowns. */
  metadata: Readonly<Record<string, string>>;
  /** Opaque to the domain: handed back to the grader untouched. */
  groundTruth: unknown;
  /** No decidable answer (open-ended ground truth): a pairwise judge compares the two outputs. */
  openEnded: boolean;
}

/** A model to load: a name for messages plus the caller's reference, passed through untouched. */
export interface ModelSpec {
  name: string;
  /** Opaque to the domain (the contract's ModelRef). */
  ref: unknown;
}

/** How completions are sampled; temperature 0 is greedy. */
export interface Sampling {
  temperature: number;
  topP: number;
  topK: number;
  maxNewTokens: number;
  stop: readonly string[];
  seed: number;
}

/** Grader options for a whole stream. */
export interface GradeSettings {
  mode: string;
  itemTimeoutMs: number;
  includeChallengeTests: boolean;
}

/** One finished completion. */
export interface GeneratedText {
  promptId: string;
  text: string;
  promptTokens: number;
  completionTokens: number;
  deviceSeconds: number;
}

/** One completion to grade; `id` is unique within the stream. */
export interface GradeInput {
  id: string;
  item: EvalItem;
  completion: string;
  /** Pairwise judge only: the reference's output the completion is compared with. */
  otherCompletion?: string;
}

/** A grader's decision on one GradeInput. */
export interface GradedItem {
  id: string;
  correct: boolean;
  /** Pairwise judge only: its WIN / TIE / LOSS for the completion against the other. */
  judged?: 'win' | 'tie' | 'loss' | undefined;
}

/** Deadline and cancellation of the incoming call, passed on to every downstream call. */
export interface CallScope {
  signal: AbortSignal;
  deadline?: Date | undefined;
}

/** The dataset service, as Compare uses it. */
export interface ExampleSource {
  examples(query: SetQuery, scope: CallScope): AsyncIterable<EvalItem>;
}

/** The inference service, as Compare uses it. */
export interface TextGenerator {
  /** Loads a model and returns its handle. */
  load(model: ModelSpec, scope: CallScope): Promise<string>;
  /** Completions of one batch of prompts, in any order. */
  generate(
    modelId: string,
    prompts: readonly { id: string; text: string }[],
    sampling: Sampling,
    scope: CallScope,
  ): AsyncIterable<GeneratedText>;
}

/** The grader service, as Compare uses it: one stream of items, one verdict per item. */
export interface Grader {
  grade(
    items: readonly GradeInput[],
    settings: GradeSettings | undefined,
    scope: CallScope,
  ): AsyncIterable<GradedItem>;
}

/** Which grader an item goes to: its category's, or the pairwise judge for open-ended items. */
export type GraderRoute = string;

/** The route of open-ended items. */
export const JUDGE_ROUTE: GraderRoute = 'judge';

/** An OpenAI-compatible chat completions endpoint as the reference (OpenAiEndpoint). */
export interface EndpointSpec {
  /** Base URL up to the version, e.g. "https://api.openai.com/v1". */
  baseUrl: string;
  model: string;
  /** Name of the environment variable holding the key on the evaluator node; "" sends none. */
  apiKeyEnv: string;
}

/** A chat completions endpoint, as Compare uses it for the reference side. */
export interface ChatEndpoint {
  /** Completions of one batch of prompts, in any order. */
  complete(
    prompts: readonly { id: string; text: string }[],
    sampling: Sampling,
    scope: CallScope,
  ): AsyncIterable<GeneratedText>;
}

/** The downstream services of Compare. */
export interface CompareClients {
  dataset: ExampleSource;
  inference: TextGenerator;
  /**
   * The grader of a route (a category label such as "math", or JUDGE_ROUTE). Throws
   * FailedPrecondition when none is configured for it.
   */
  grader(route: GraderRoute): Grader;
  /** A client for an endpoint reference; throws FailedPrecondition when its key variable is unset. */
  endpoint(spec: EndpointSpec): ChatEndpoint;
}
