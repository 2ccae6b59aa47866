import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortableSleep } from '../src/client/abortable-sleep.js';

describe('abortableSleep', () => {
  it('resolves once the time is up', async () => {
    const started = performance.now();
    await abortableSleep(20, new AbortController().signal);
    assert.ok(performance.now() - started >= 15);
  });

  it("rejects with the signal's reason when it aborts meanwhile", async () => {
    const abort = new AbortController();
    const reason = new Error('interrupted');
    setTimeout(() => abort.abort(reason), 5);
    await assert.rejects(abortableSleep(60_000, abort.signal), (err) => err === reason);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const abort = new AbortController();
    abort.abort(new Error('gone'));
    await assert.rejects(abortableSleep(60_000, abort.signal), /gone/);
  });
});
