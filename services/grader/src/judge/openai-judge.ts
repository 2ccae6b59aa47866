// The judge backend for an OpenAI-compatible chat completions endpoint (OpenAI, vLLM, llama.cpp
// server, ...), over global fetch. The API key is only ever sent in the Authorization header:
// it appears in no error message or log line.
import { CancelledError, FailedPreconditionError, UnavailableError } from '@failmine/runtime';
import type { JudgeMessage } from './judge-prompt.js';
import type { JudgeBackend } from './pairwise-judge.js';

/** Where the endpoint is and which model it should run. */
export interface OpenAiJudgeOptions {
  /** Base URL up to the version, e.g. "https://api.openai.com/v1"; /chat/completions is added. */
  url: string;
  model: string;
  /** Sent as a bearer token; undefined for local servers that need none. */
  apiKey: string | undefined;
  maxTokens: number;
}

// Enough of an error body to say what went wrong, not a whole HTML page.
const MAX_BODY_CHARS = 300;

function replyText(endpoint: string, body: string): string {
  let content: unknown;
  try {
    content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
      ?.content;
  } catch {
    content = undefined;
  }
  if (typeof content !== 'string')
    throw new FailedPreconditionError(
      `judge ${endpoint} answered without choices[0].message.content: ${body.slice(0, MAX_BODY_CHARS)}`,
    );
  return content;
}

/** A JudgeBackend posting one greedy chat completion per conversation. */
export function createOpenAiJudge(o: OpenAiJudgeOptions): JudgeBackend {
  const endpoint = `${o.url.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey !== undefined) headers.authorization = `Bearer ${o.apiKey}`;

  async function complete(
    messages: JudgeMessage[],
    signal: AbortSignal,
    caller: AbortSignal,
  ): Promise<string> {
    let res: Response;
    let body: string;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: o.model, messages, temperature: 0, max_tokens: o.maxTokens }),
        signal,
      });
      body = await res.text();
    } catch (err) {
      if (caller.aborted) throw new CancelledError(`judge call to ${endpoint} cancelled`);
      const why = signal.aborted ? 'no answer within the item time limit' : (err as Error).message;
      throw new UnavailableError(`judge ${endpoint}: ${why}`, { cause: err });
    }
    if (res.ok) return replyText(endpoint, body);
    const why = `HTTP ${res.status}: ${body.slice(0, MAX_BODY_CHARS)}`;
    // Rate limits and server faults pass; a bad key, model name or request needs a person.
    if (res.status === 429 || res.status >= 500) throw new UnavailableError(`judge ${endpoint}: ${why}`);
    throw new FailedPreconditionError(`judge ${endpoint} refused the request: ${why}`);
  }

  return {
    description: `openai-compatible ${endpoint} model ${o.model}`,
    judge: (conversations, { signal, timeoutMs }) => {
      const limited = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      return Promise.all(conversations.map((m) => complete(m, limited, signal)));
    },
    close: () => undefined,
  };
}
