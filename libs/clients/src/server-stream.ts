import type { CallScope } from './call-scope.js';

/**
 * Reads a gRPC server stream (or the read side of a bidi one) and cancels the call when the
 * scope aborts or the reader stops early. The abort listener goes when the stream ends: one
 * run's signal outlives thousands of calls. Errors are passed through `onError`.
 */
export async function* readServerStream<T>(
  call: AsyncIterable<T> & { cancel(): void },
  scope: CallScope,
  onError: (err: unknown) => Error,
): AsyncGenerator<T> {
  const cancel = () => call.cancel();
  let finished = false;
  if (scope.signal.aborted) cancel();
  else scope.signal.addEventListener('abort', cancel, { once: true });
  try {
    for await (const message of call) yield message;
    finished = true;
  } catch (err) {
    finished = true;
    throw onError(err);
  } finally {
    scope.signal.removeEventListener('abort', cancel);
    if (!finished) cancel();
  }
}
