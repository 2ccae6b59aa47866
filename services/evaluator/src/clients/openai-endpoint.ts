// The reference as an OpenAI-compatible chat completions endpoint (OpenAI, vLLM, llama.cpp
// server, ...): one POST {base_url}/chat/completions per prompt over global fetch, at most
// `concurrency` at once, retried with exponential backoff on 429 and 5xx. The key is read from
// the named environment variable on this node and only ever sent in the Authorization header.
import {
  CancelledError,
  FailedPreconditionError,
  abortableSleep as sleep,
  UnavailableError,
} from '@failmine/runtime';
import { z } from 'zod';
import type { CallScope, ChatEndpoint, EndpointSpec, GeneratedText, Sampling } from './compare-clients.js';

/** How endpoint calls behave; every field has a default. */
export interface OpenAiEndpointOptions {
  /** Where the key variable is looked up (process.env in main.ts). */
  env: Readonly<Record<string, string | undefined>>;
  /** Requests in flight at once (--endpoint-concurrency). */
  concurrency?: number;
  /** Attempts per prompt on 429 / 5xx / network errors (first + retries); default 5. */
  maxAttempts?: number;
  /** First backoff; doubles per retry up to 30 s, or Retry-After when the server sends it. Default 1000. */
  backoffMs?: number;
}

const MAX_BACKOFF_MS = 30_000;
// Enough of an error body to say what went wrong, not a whole HTML page.
const MAX_BODY_CHARS = 300;

const responseSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
    .optional(),
});

/** The request body: greedy unless sampling says otherwise; max_tokens and stop only when set. */
export function chatRequestBody(model: string, prompt: string, s: Sampling): Record<string, unknown> {
  return {
    model,
    messages: [{ role: 'user', content: prompt }],
    temperature: s.temperature,
    ...(s.maxNewTokens > 0 ? { max_tokens: s.maxNewTokens } : {}),
    ...(s.stop.length > 0 ? { stop: [...s.stop] } : {}),
    seed: s.seed,
  };
}

/** A ChatEndpoint for `spec`; FailedPrecondition naming the key variable when it is unset. */
export function createOpenAiEndpoint(spec: EndpointSpec, options: OpenAiEndpointOptions): ChatEndpoint {
  const url = `${spec.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.apiKeyEnv !== '') {
    const key = options.env[spec.apiKeyEnv];
    if (!key) {
      throw new FailedPreconditionError(
        `reference.endpoint.api_key_env: environment variable ${spec.apiKeyEnv} is not set on the evaluator node`,
      );
    }
    headers.authorization = `Bearer ${key}`;
  }
  const post = (prompt: string, sampling: Sampling, signal: AbortSignal) =>
    postWithRetries(
      url,
      headers,
      JSON.stringify(chatRequestBody(spec.model, prompt, sampling)),
      signal,
      options,
    );
  const concurrency = Math.max(1, options.concurrency ?? 4);
  return {
    async *complete(prompts, sampling, scope) {
      const signal = callSignal(scope);
      const results = await mapConcurrently(
        prompts,
        concurrency,
        signal,
        async (p, batchSignal): Promise<GeneratedText> => {
          try {
            const body = await post(p.text, sampling, batchSignal);
            return {
              promptId: p.id,
              text: body.choices[0]?.message.content ?? '',
              promptTokens: body.usage?.prompt_tokens ?? 0,
              completionTokens: body.usage?.completion_tokens ?? 0,
              // A remote service: no device of ours was used.
              deviceSeconds: 0,
            };
          } catch (err) {
            if (scope.signal.aborted) throw new CancelledError(`Compare cancelled while calling ${url}`);
            if (signal.aborted)
              throw new UnavailableError(`no answer from ${url} before the call's deadline`);
            throw err;
          }
        },
      );
      yield* results;
    },
  };
}

function callSignal(scope: CallScope): AbortSignal {
  if (!scope.deadline) return scope.signal;
  return AbortSignal.any([
    scope.signal,
    AbortSignal.timeout(Math.max(0, scope.deadline.getTime() - Date.now())),
  ]);
}

async function postWithRetries(
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  options: OpenAiEndpointOptions,
): Promise<z.output<typeof responseSchema>> {
  const attempts = Math.max(1, options.maxAttempts ?? 5);
  let why = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal });
      text = await res.text();
    } catch (err) {
      if (signal.aborted) throw err;
      why = (err as Error).message;
      if (attempt < attempts) await sleep(backoff(options, attempt, null), signal);
      continue;
    }
    if (res.ok) return parseResponse(url, text);
    why = `HTTP ${res.status}: ${text.slice(0, MAX_BODY_CHARS)}`;
    // Rate limits and server faults pass; a bad key, model name or request needs a person.
    if (res.status !== 429 && res.status < 500) {
      throw new FailedPreconditionError(`reference endpoint POST ${url} refused the request: ${why}`);
    }
    if (attempt < attempts) await sleep(backoff(options, attempt, res.headers.get('retry-after')), signal);
  }
  throw new UnavailableError(`reference endpoint POST ${url} failed after ${attempts} attempts: ${why}`);
}

function parseResponse(url: string, text: string): z.output<typeof responseSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new FailedPreconditionError(
      `reference endpoint ${url} answered non-JSON: ${text.slice(0, MAX_BODY_CHARS)}`,
    );
  }
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FailedPreconditionError(
      `reference endpoint ${url} answered an unexpected body at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** Retry-After in seconds when given, else backoffMs doubled per attempt; capped at 30 s. */
function backoff(options: OpenAiEndpointOptions, attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  const ms =
    Number.isFinite(seconds) && seconds >= 0
      ? seconds * 1000
      : (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
  return Math.min(ms, MAX_BACKOFF_MS);
}

/**
 * fn over items with at most `limit` running at once; results in input order. The first failure
 * aborts the others (through the signal fn gets) and is thrown once all have settled, so no
 * request outlives the call.
 */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failure = new AbortController();
  const combined = AbortSignal.any([signal, failure.signal]);
  let firstError: { err: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (firstError === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, combined);
      } catch (err) {
        firstError ??= { err };
        failure.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError) throw firstError.err;
  return results;
}
