import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GenerationConfig, generate } from '../src/generation/generate.js';
import { DecoderSession } from '../src/model/decoder-session.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { referenceLogits } from './support/reference-forward.js';
import { randomWeights } from './support/tiny-model-fixture.js';

const config = parseDecoderConfig({
  model_type: 'llama',
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
  max_position_embeddings: 24,
  vocab_size: 26,
});
const weights = randomWeights(config, 7);

// A character vocabulary: token i is the letter 'a' + i. Enough to test text handling.
const letters = { decode: (ids: readonly number[]) => ids.map((i) => String.fromCharCode(97 + i)).join('') };

const greedy: GenerationConfig = {
  max_new_tokens: 6,
  temperature: 0,
  top_p: 1,
  top_k: 0,
  stop: [],
  eos_token_id: [],
  pad_token_id: 0,
};

const prompts = [
  { id: 'a', promptIds: [3, 7, 1, 9, 4], seed: 1 },
  { id: 'b', promptIds: [5, 8], seed: 2 },
  { id: 'c', promptIds: [1, 2, 3, 4], seed: 3 },
];

function argmax(v: number[]): number {
  return v.indexOf(Math.max(...v));
}

describe('generate', async () => {
  const session = await DecoderSession.create(config, weights, { threads: 1 });

  it('greedy decoding equals argmax of the plain-loop reference, token by token', async () => {
    const [out] = await generate(session, letters, [prompts[0] as (typeof prompts)[0]], greedy);
    const ids = [...(prompts[0]?.promptIds ?? [])];
    const expected: number[] = [];
    for (let n = 0; n < greedy.max_new_tokens; n++) {
      const logits = referenceLogits(
        config,
        weights,
        ids,
        ids.map(() => 1),
        ids.map((_, i) => i),
      );
      const next = argmax(logits[logits.length - 1] as number[]);
      expected.push(next);
      ids.push(next);
    }
    assert.deepEqual(out?.tokenIds, expected);
    assert.equal(out?.finishReason, 'length');
    assert.equal(out?.text, letters.decode(expected));
  });

  it('a batch with left padding gives each row the tokens it gets alone', async () => {
    const batched = await generate(session, letters, prompts, greedy);
    for (const p of prompts) {
      const [alone] = await generate(session, letters, [p], greedy);
      const row = batched.find((o) => o.id === p.id);
      assert.deepEqual(row?.tokenIds, alone?.tokenIds, `row ${p.id}`);
      assert.equal(row?.promptTokens, p.promptIds.length);
    }
  });

  it('rows that finish early leave the batch, and every row still gets the tokens it gets alone', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      id: `r${i}`,
      promptIds: [(i * 5) % 26, (i * 11 + 3) % 26, (i * 7 + 1) % 26].slice(0, 1 + (i % 3)),
      seed: i,
    }));
    const long = { ...greedy, max_new_tokens: 12 };
    // The most frequent generated token as EOS makes rows end at different steps.
    const free = await generate(session, letters, many, long);
    const counts = new Map<number, number>();
    for (const o of free) for (const t of o.tokenIds) counts.set(t, (counts.get(t) ?? 0) + 1);
    const eosId = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as number;
    const config = { ...long, eos_token_id: [eosId] };
    const batchSizes: number[] = [];
    const spied = Object.create(session) as DecoderSession;
    spied.forward = (ids, mask, pos, batch, cache) => {
      batchSizes.push(batch);
      return session.forward(ids, mask, pos, batch, cache);
    };
    const batched = await generate(spied, letters, many, config);
    assert.ok(Math.min(...batchSizes) < many.length, `batch never shrank: ${batchSizes.join(',')}`);
    for (const p of many) {
      const [alone] = await generate(session, letters, [p], config);
      const row = batched.find((o) => o.id === p.id);
      assert.deepEqual(row?.tokenIds, alone?.tokenIds, `row ${p.id}`);
      assert.equal(row?.finishReason, alone?.finishReason, `row ${p.id}`);
    }
  });

  it('sampling is reproducible per row seed and changes with the seed', async () => {
    const sampled = { ...greedy, temperature: 1.5, top_k: 10, top_p: 0.95, max_new_tokens: 8 };
    const first = await generate(session, letters, prompts, sampled);
    const again = await generate(
      session,
      letters,
      [prompts[2], prompts[0], prompts[1]] as typeof prompts,
      sampled,
    );
    for (const o of first) assert.deepEqual(again.find((a) => a.id === o.id)?.tokenIds, o.tokenIds);
    const reseeded = await generate(
      session,
      letters,
      prompts.map((p) => ({ ...p, seed: p.seed + 100 })),
      sampled,
    );
    assert.notDeepEqual(
      reseeded.map((o) => o.tokenIds),
      first.map((o) => o.tokenIds),
    );
  });

  it('stops at EOS without including it, and at a stop string, cutting the text before it', async () => {
    const [plain] = await generate(session, letters, [prompts[1] as (typeof prompts)[1]], greedy);
    const tokens = plain?.tokenIds ?? [];
    const eosId = tokens[2] as number;
    const [eos] = await generate(session, letters, [prompts[1] as (typeof prompts)[1]], {
      ...greedy,
      eos_token_id: [eosId],
    });
    assert.equal(eos?.finishReason, 'eos');
    assert.deepEqual(eos?.tokenIds, tokens.slice(0, tokens.indexOf(eosId)));
    const stopText = letters.decode(tokens.slice(3, 5));
    const [stopped] = await generate(session, letters, [prompts[1] as (typeof prompts)[1]], {
      ...greedy,
      stop: [stopText],
    });
    assert.equal(stopped?.finishReason, 'stop');
    assert.equal(stopped?.text, (plain?.text ?? '').slice(0, (plain?.text ?? '').indexOf(stopText)));
  });

  it('streams deltas that add up to the final text', async () => {
    const deltas: string[] = [];
    const [out] = await generate(session, letters, [prompts[0] as (typeof prompts)[0]], greedy, {
      onDelta: (_id, text) => deltas.push(text),
    });
    assert.equal(deltas.join(''), out?.text);
    assert.equal(deltas.length, greedy.max_new_tokens);
  });

  it('stops a row at the context limit', async () => {
    const long = { id: 'long', promptIds: Array.from({ length: 20 }, (_, i) => i % 26), seed: 0 };
    const [out] = await generate(session, letters, [long], { ...greedy, max_new_tokens: 10 });
    assert.equal(out?.finishReason, 'context');
    // Positions 20..23 hold 4 generated tokens; the 5th would need position 24 (the limit).
    assert.equal(out?.completionTokens, 5);
  });
});
