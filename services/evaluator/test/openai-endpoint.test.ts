import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { FailedPreconditionError, UnavailableError } from '@failmine/runtime';
import type { EndpointSpec } from '../src/clients/compare-clients.js';
import { createOpenAiEndpoint } from '../src/clients/openai-endpoint.js';
import type { CompareInput } from '../src/compare/compare-input.js';
import { baseInput, fakeClients, run } from './support/fake-compare-clients.js';

// The reference as an OpenAI-compatible endpoint: a local node:http server stands for the
// external service, records every request and answers "question N" with known outputs.

const KEY = 'sk-test-0123456789';

interface Recorded {
  method: string | undefined;
  path: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** How the stand-in answers: status and body for the k-th request of a prompt (0-based). */
type Behaviour = (
  prompt: string,
  attempt: number,
) => { status: number; body: unknown; headers?: Record<string, string> };

const reply = (text: string) => ({
  status: 200,
  body: {
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: text } }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  },
});
// The reference knows the even-numbered answers only.
const evenRight: Behaviour = (prompt) => {
  const n = Number(prompt.split(' ').at(-1));
  return reply(n % 2 === 0 ? `#### ${n}` : '#### -1');
};

describe('reference = OpenAI-compatible endpoint', () => {
  let server: Server;
  let baseUrl: string;
  let behaviour: Behaviour = evenRight;
  let requests: Recorded[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const attempts = new Map<string, number>();
  let tests = 0;
  let model = '';
  /** The requests of the running test. */
  const mine = () => requests.filter((r) => r.body.model === model);

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let text = '';
      req.setEncoding('utf8').on('data', (c: string) => {
        text += c;
      });
      req.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>;
        requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization, body });
        const prompt = (body.messages as { content: string }[])[0]?.content ?? '';
        const key = `${body.model}\n${prompt}`;
        const k = attempts.get(key) ?? 0;
        attempts.set(key, k + 1);
        const answer = behaviour(prompt, k);
        // Answered on a later turn, so several requests can be in flight at once.
        setImmediate(() => {
          inFlight--;
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(JSON.stringify(answer.body));
        });
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => server.close());
  beforeEach(() => {
    behaviour = evenRight;
    requests = [];
    attempts.clear();
    // A model name per test: a request of an earlier test that arrives late is not counted.
    model = `ref-model-${++tests}`;
    maxInFlight = 0;
  });

  const spec = (apiKeyEnv = 'REF_KEY'): EndpointSpec => ({ baseUrl, model, apiKeyEnv });
  const input = (endpoint: EndpointSpec): CompareInput => ({
    ...baseInput,
    forgettingSets: [],
    sampling: { ...baseInput.sampling, stop: ['\n\n'], seed: 7 },
    reference: { kind: 'endpoint', endpoint },
  });
  /** Fakes for dataset, inference (the candidate is right on gsm8k 0-5) and grader; the endpoint is real. */
  const clients = (env: Record<string, string> = { REF_KEY: KEY }) => {
    const fakes = fakeClients((_m, id) => Number(id.split('/').at(-1)) <= 5);
    fakes.clients.endpoint = (s) =>
      createOpenAiEndpoint(s, { env, concurrency: 2, maxAttempts: 3, backoffMs: 1 });
    return fakes;
  };
  const scope = () => ({ signal: new AbortController().signal });

  it('compares against the endpoint: exact win/tie/loss, and the requests it was sent', async () => {
    const { clients: c, calls } = clients();
    const { evaluation } = await run(input(spec()), c, scope());
    const o = evaluation.summary.overall;
    // Candidate right on 0-5, reference on 0, 2, 4, 6, 8: wins 1, 3, 5; losses 6, 8; the rest ties.
    assert.deepEqual([o.wins.count, o.ties.count, o.losses.count], [3, 5, 2]);
    assert.deepEqual(calls.loads, ['cand']);
    assert.equal(mine().length, 10);
    for (const r of mine()) {
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/v1/chat/completions');
      assert.equal(r.authorization, `Bearer ${KEY}`);
      assert.deepEqual(Object.keys(r.body).sort(), [
        'max_tokens',
        'messages',
        'model',
        'seed',
        'stop',
        'temperature',
      ]);
      assert.deepEqual([r.body.model, r.body.temperature, r.body.max_tokens, r.body.seed], [model, 0, 16, 7]);
      assert.deepEqual(r.body.stop, ['\n\n']);
    }
    assert.deepEqual(
      mine()
        .map((r) => (r.body.messages as { role: string; content: string }[])[0])
        .sort((a, b) => (a?.content ?? '').localeCompare(b?.content ?? '')),
      Array.from({ length: 10 }, (_, n) => ({ role: 'user', content: `question ${n}` })),
    );
    assert.ok(maxInFlight >= 1 && maxInFlight <= 2, `${maxInFlight} requests in flight at once`);
    // The endpoint's usage is counted with the candidate's: 10 x 3 completion tokens + 10 x 2.
    assert.equal(evaluation.usage.completionTokens, 10 * 3 + 10 * 2);
  });

  it('retries a 500 and a 429, then uses the answer', async () => {
    behaviour = (prompt, k) => {
      if (prompt === 'question 3' && k === 0) return { status: 500, body: { error: 'overloaded' } };
      if (prompt === 'question 4' && k === 0)
        return { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '0' } };
      return evenRight(prompt, k);
    };
    const { evaluation } = await run(input(spec()), clients().clients, scope());
    const o = evaluation.summary.overall;
    assert.deepEqual([o.wins.count, o.ties.count, o.losses.count], [3, 5, 2]);
    assert.equal(mine().length, 12);
  });

  it('gives up after the attempts with UNAVAILABLE naming the URL and status', async () => {
    behaviour = () => ({ status: 503, body: { error: 'down for maintenance' } });
    await assert.rejects(run(input(spec()), clients().clients, scope()), (err: Error) => {
      assert.ok(err instanceof UnavailableError);
      assert.match(
        err.message,
        new RegExp(
          `^reference endpoint POST ${baseUrl}/chat/completions failed after 3 attempts: HTTP 503: `,
        ),
      );
      assert.match(err.message, /down for maintenance/);
      return true;
    });
  });

  it('stops at a 401 with FAILED_PRECONDITION naming the URL and status, without retrying', async () => {
    behaviour = () => ({ status: 401, body: { error: { message: 'Incorrect API key provided' } } });
    await assert.rejects(run(input(spec()), clients().clients, scope()), (err: Error) => {
      assert.ok(err instanceof FailedPreconditionError);
      assert.match(
        err.message,
        new RegExp(`POST ${baseUrl}/chat/completions refused the request: HTTP 401: `),
      );
      assert.ok(!err.message.includes(KEY), 'the key must not appear in errors');
      return true;
    });
    // The first batch's prompts, each asked once.
    assert.ok(mine().length >= 1 && mine().length <= 2, `${mine().length} requests`);
  });

  it('refuses a body without choices[0].message.content', async () => {
    behaviour = () => ({ status: 200, body: { choices: [] } });
    await assert.rejects(
      run(input(spec()), clients().clients, scope()),
      (err: Error) =>
        err instanceof FailedPreconditionError && /unexpected body at choices: /.test(err.message),
    );
  });

  it('names the key variable when it is not set, before the candidate runs', async () => {
    const { clients: c, calls } = clients({});
    await assert.rejects(
      run(input(spec('MISSING_REF_KEY')), c, scope()),
      (err: Error) =>
        err instanceof FailedPreconditionError &&
        err.message ===
          'reference.endpoint.api_key_env: environment variable MISSING_REF_KEY is not set on the evaluator node',
    );
    assert.deepEqual(calls.loads, []);
    assert.equal(mine().length, 0);
  });

  it('sends no Authorization header when no key variable is named', async () => {
    await run(input(spec('')), clients({}).clients, scope());
    assert.ok(mine().every((r) => r.authorization === undefined));
  });
});
