// CompareRequest -> CompareInput (with the reference outputs read), and Compare's events ->
// CompareResponse messages. Like evaluation-codec.ts, the only other place that sees the
// generated contract types, so compare.ts stays plain TypeScript.
import { basename } from 'node:path';
import type {
  ArtifactRef,
  CompareRequest,
  CompareResponse,
  EvaluationSet,
  ModelRef,
  OpenAiEndpoint,
  ReferenceSpec,
} from '@failmine/contracts';
import { type ArtifactStore, chunkBuffer, InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import type { EndpointSpec, ModelSpec, SetQuery } from './clients/compare-clients.js';
import type { CompareEvent } from './compare/compare.js';
import type { CompareInput, ReferenceSource } from './compare/compare-input.js';
import { readReferenceOutputs } from './compare/reference-outputs.js';
import { categoryLabel, decodeGate, encodeEvaluation } from './evaluation-codec.js';
import type { PairedOutcome } from './stats/win-tie-loss.js';

function decodeModel(ref: ModelRef | undefined, field: string): ModelSpec {
  const source = ref?.source;
  if (!ref || !source) throw new InvalidArgumentError(`${field}.source: give a model path or artifact`);
  if (source.$case === 'path' && source.path === '') throw new InvalidArgumentError(`${field}.path: empty`);
  const base = source.$case === 'path' ? basename(source.path) : source.artifact.name.replace(/\.tar$/, '');
  const adapters = ref.adapters.map((a) =>
    a.source?.$case === 'path' ? basename(a.source.path) : (a.source?.artifact.name ?? '?'),
  );
  return { name: ref.displayName || [base, ...adapters].join('+'), ref };
}

function decodeSet(set: EvaluationSet | undefined, field: string): SetQuery {
  if (!set) throw new InvalidArgumentError(`${field}: required (dataset, category, split, limit, ids)`);
  const category = categoryLabel(set.category) ?? '';
  if (set.dataset === '' && category === '') {
    throw new InvalidArgumentError(`${field}.dataset: give a dataset or a category`);
  }
  if (set.limit < 0) throw new InvalidArgumentError(`${field}.limit: ${set.limit} is negative`);
  return { dataset: set.dataset, category, split: set.split, limit: set.limit, ids: set.ids };
}

/**
 * A reference-outputs file: an artifact stored on this node (uploaded to its ArtifactService),
 * or, when the uri is a local path, that file.
 */
async function readOutputsArtifact(ref: ArtifactRef, artifacts: ArtifactStore): Promise<ReferenceSource> {
  if (ref.sha256 !== '' && (await artifacts.stat(ref.sha256))) {
    const source = ref.name || `sha256:${ref.sha256}`;
    const outputs = await readReferenceOutputs(artifacts.pathOf(ref.sha256));
    return { kind: 'outputs', outputs, source };
  }
  if (ref.uri !== '' && !ref.uri.startsWith('artifact://')) {
    return { kind: 'outputs', outputs: await readReferenceOutputs(ref.uri), source: ref.uri };
  }
  if (ref.sha256 === '')
    throw new InvalidArgumentError('reference.outputs: give a sha256 or a local path as uri');
  throw new NotFoundError(
    `reference.outputs: artifact sha256:${ref.sha256} is not stored on the evaluator; upload it first`,
  );
}

async function decodeReference(
  spec: ReferenceSpec | undefined,
  candidate: ModelSpec,
  artifacts: ArtifactStore,
): Promise<ReferenceSource> {
  const source = spec?.source;
  if (!source)
    throw new InvalidArgumentError('reference.source: give base_model, model, outputs or endpoint');
  switch (source.$case) {
    case 'baseModel': {
      const ref = candidate.ref as ModelRef;
      if (!source.baseModel) throw new InvalidArgumentError('reference.base_model: false; set it to true');
      if (ref.adapters.length === 0) {
        throw new InvalidArgumentError(
          'reference.base_model: the candidate has no adapters, so it would be compared with itself',
        );
      }
      const base: ModelRef = { ...ref, adapters: [], displayName: '' };
      return { kind: 'model', model: decodeModel(base, 'candidate') };
    }
    case 'model':
      return { kind: 'model', model: decodeModel(source.model, 'reference.model') };
    case 'outputs':
      return readOutputsArtifact(source.outputs, artifacts);
    case 'endpoint':
      return { kind: 'endpoint', endpoint: decodeEndpoint(source.endpoint) };
  }
}

function decodeEndpoint(e: OpenAiEndpoint): EndpointSpec {
  let url: URL;
  try {
    url = new URL(e.baseUrl);
  } catch {
    throw new InvalidArgumentError(`reference.endpoint.base_url: "${e.baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`reference.endpoint.base_url: ${url.protocol} is not http: or https:`);
  }
  if (e.model === '') throw new InvalidArgumentError('reference.endpoint.model: empty');
  if (e.apiKeyEnv !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.apiKeyEnv)) {
    throw new InvalidArgumentError(
      // Not echoed: a value that is no variable name may be the key itself.
      'reference.endpoint.api_key_env: not an environment variable name; give the name of the variable that holds the key, never the key',
    );
  }
  return { baseUrl: e.baseUrl, model: e.model, apiKeyEnv: e.apiKeyEnv };
}

/** CompareRequest -> the domain's input; INVALID_ARGUMENT names the field at fault. */
export async function decodeCompareRequest(
  req: CompareRequest,
  artifacts: ArtifactStore,
): Promise<CompareInput> {
  const candidate = decodeModel(req.candidate, 'candidate');
  const s = req.sampling;
  const o = req.gradeOptions;
  return {
    evaluationId: req.evaluationId,
    candidate,
    reference: await decodeReference(req.reference, candidate, artifacts),
    set: decodeSet(req.set, 'set'),
    forgettingSets: req.forgettingSets.map((f, i) => decodeSet(f, `forgetting_sets[${i}]`)),
    gates: req.gates.map(decodeGate),
    // No sampling: greedy, with the inference service's default length.
    sampling: {
      temperature: s?.temperature ?? 0,
      topP: s?.topP ?? 0,
      topK: s?.topK ?? 0,
      maxNewTokens: s?.maxNewTokens ?? 0,
      stop: s?.stop ?? [],
      seed: s?.seed ?? 0,
    },
    grade: o && {
      mode: o.mode,
      itemTimeoutMs: o.itemTimeoutMs,
      includeChallengeTests: o.includeChallengeTests,
    },
  };
}

/**
 * Stores the per-item outcomes as JSONL in the evaluator's artifact store (Evaluation.items),
 * so the coordinator can download them by sha256 and render the report.
 */
export async function storeItemOutcomes(
  outcomes: readonly PairedOutcome[],
  artifacts: ArtifactStore,
): Promise<ArtifactRef> {
  const lines = outcomes.map((o) => `${JSON.stringify(o)}\n`).join('');
  return artifacts.put(
    chunkBuffer(Buffer.from(lines, 'utf8'), { name: 'item-outcomes.jsonl', mediaType: 'application/jsonl' }),
  );
}

/** One Compare event as a response message; the evaluation carries the stored items artifact. */
export function encodeCompareEvent(e: CompareEvent, items?: ArtifactRef): CompareResponse {
  if (e.kind === 'progress') {
    return { event: { $case: 'progress', progress: { phase: e.phase, done: e.done, total: e.total } } };
  }
  const u = e.usage;
  const evaluation = {
    ...encodeEvaluation(e.summary),
    items,
    usage: {
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      wallSeconds: u.wallSeconds,
      deviceSeconds: u.deviceSeconds,
      deviceKind: '',
    },
  };
  return { event: { $case: 'evaluation', evaluation } };
}
