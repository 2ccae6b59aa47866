/**
 * A gRPC server stream that is cancelled when `signal` aborts (STYLE rule 4: cancellation
 * travels). The listener goes when the stream ends: a run's one signal outlives thousands of calls.
 */
export async function* withAbort<T>(
  call: AsyncIterable<T> & { cancel(): void },
  signal: AbortSignal,
): AsyncIterable<T> {
  const cancel = () => call.cancel();
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  try {
    yield* call;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
