// A stand-in for a remote OpenAI-compatible judge API (which tests cannot reach): a node:http
// server on 127.0.0.1 answering POST /v1/chat/completions with what `reply` returns.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface ChatRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    temperature?: number;
    max_tokens?: number;
  };
}

/** What to answer: the reply text (200), or an HTTP status with a body. */
export type ChatReply = string | { status: number; body: string };

/** A running server: its base URL (ending /v1), the requests so far, and close(). */
export interface ChatCompletionsServer {
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startChatCompletionsServer(
  reply: (req: ChatRequest) => ChatReply | Promise<ChatReply>,
): Promise<ChatCompletionsServer> {
  const requests: ChatRequest[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const request: ChatRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(raw || '{}') };
    requests.push(request);
    const answer = await reply(request);
    if (typeof answer !== 'string') {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      return;
    }
    const completion = {
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      model: request.body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
