import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Weights } from '../src/model/weights.js';
import { readShardedSafetensors, SAFETENSORS_INDEX_FILE } from '../src/safetensors/safetensors-index.js';
import { readSafetensors, readSafetensorsHeader } from '../src/safetensors/safetensors-reader.js';
import {
  serializeSafetensors,
  writeSafetensors,
  writeShardedSafetensors,
} from '../src/safetensors/safetensors-writer.js';

// A safetensors file assembled by hand, independent of our writer: u64 LE header length, JSON, data.
function handmade(header: Record<string, unknown>, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  return Buffer.concat([prefix, json, data]);
}

function u16le(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => {
    b.writeUInt16LE(v, i * 2);
  });
  return b;
}

function sampleWeights(): Weights {
  return new Map([
    ['b.weight', { dims: [2, 3], data: Float32Array.of(1, -2, 0.5, 3.25, -0.125, 1e-3) }],
    ['a.bias', { dims: [3], data: Float32Array.of(0.1, 0.2, -0.3) }],
    ['c.scalar', { dims: [], data: Float32Array.of(7) }],
  ]);
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'safetensors-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safetensors round trip', () => {
  it('writes F32 and reads back the same names, dims and bits', async () => {
    const file = join(dir, 'f32.safetensors');
    const weights = sampleWeights();
    await writeSafetensors(file, weights, { metadata: { note: 'x' } });
    const { weights: back, metadata } = await readSafetensors(file);
    assert.deepEqual([...back.keys()].sort(), [...weights.keys()].sort());
    for (const [name, t] of weights) {
      assert.deepEqual(back.get(name)?.dims, t.dims, name);
      assert.deepEqual(back.get(name)?.data, t.data, name);
    }
    assert.deepEqual(metadata, { note: 'x', format: 'pt' });
  });

  it('is byte-deterministic: sorted names, 8-byte aligned header padded with spaces', () => {
    const reversed: Weights = new Map([...sampleWeights()].reverse());
    const bytes = Buffer.from(serializeSafetensors(sampleWeights()));
    assert.deepEqual(Buffer.from(serializeSafetensors(reversed)), bytes);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + headerLength) % 8, 0);
    const headerText = bytes.subarray(8, 8 + headerLength).toString('utf8');
    assert.match(headerText, /^\{.*\} *$/);
    assert.deepEqual(Object.keys(JSON.parse(headerText)), ['__metadata__', 'a.bias', 'b.weight', 'c.scalar']);
  });

  it('reads hand-made BF16 and F16 files to the exact floats', async () => {
    const file = join(dir, 'half.safetensors');
    const bf16 = u16le([0x3f80, 0xc040, 0x3f81, 0x0000]); // 1, -3, 1 + 2^-7, 0
    const f16 = u16le([0x3c00, 0xc000, 0x7bff, 0x0001]); // 1, -2, 65504, 2^-24
    const header = {
      h: { dtype: 'F16', shape: [4], data_offsets: [8, 16] },
      b: { dtype: 'BF16', shape: [2, 2], data_offsets: [0, 8] },
    };
    await writeFile(file, handmade(header, Buffer.concat([bf16, f16])));
    const { weights, metadata } = await readSafetensors(file);
    assert.deepEqual(metadata, {});
    assert.deepEqual(weights.get('b'), { dims: [2, 2], data: Float32Array.of(1, -3, 1 + 2 ** -7, 0) });
    assert.deepEqual(weights.get('h'), { dims: [4], data: Float32Array.of(1, -2, 65504, 2 ** -24) });
  });

  it('writes BF16 and F16 rounded to nearest even', async () => {
    const values = Float32Array.of(1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -11, 1 + 3 * 2 ** -11);
    const weights: Weights = new Map([['w', { dims: [4], data: values }]]);
    await writeSafetensors(join(dir, 'bf16.safetensors'), weights, { dtype: 'BF16' });
    await writeSafetensors(join(dir, 'f16.safetensors'), weights, { dtype: 'F16' });
    const bf16 = (await readSafetensors(join(dir, 'bf16.safetensors'))).weights.get('w');
    const f16 = (await readSafetensors(join(dir, 'f16.safetensors'))).weights.get('w');
    assert.deepEqual(bf16?.data, Float32Array.of(1, 1 + 2 ** -6, 1, 1)); // ties go to the even neighbour
    assert.deepEqual(f16?.data, Float32Array.of(1 + 2 ** -8, 1 + 3 * 2 ** -8, 1, 1 + 2 ** -9));
    assert.equal(
      (await readSafetensorsHeader(join(dir, 'bf16.safetensors'))).tensors.get('w')?.dtype,
      'BF16',
    );
  });
});

describe('sharded checkpoints', () => {
  it('loads a two-shard BF16 checkpoint through its index', async () => {
    const shardDir = join(dir, 'sharded');
    const weights = sampleWeights();
    const indexFile = await writeShardedSafetensors(shardDir, weights, { dtype: 'BF16', shardCount: 2 });
    const index = JSON.parse(await readFile(indexFile, 'utf8'));
    assert.deepEqual(
      new Set(Object.values(index.weight_map)),
      new Set(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']),
    );
    const { weights: back } = await readShardedSafetensors(indexFile);
    assert.equal(back.size, weights.size);
    for (const [name, t] of weights) {
      const got = back.get(name);
      assert.deepEqual(got?.dims, t.dims);
      // bf16 keeps 8 significant bits: rounding moves a value by at most half an ulp, 2^-8 relative.
      t.data.forEach((v, i) => {
        assert.ok(Math.abs((got?.data[i] as number) - v) <= Math.abs(v) * 2 ** -8, `${name}[${i}]`);
      });
    }
  });

  it('names the index, shard and tensor when a listed tensor is missing from its shard', async () => {
    const shardDir = join(dir, 'sharded-missing');
    const indexFile = await writeShardedSafetensors(shardDir, sampleWeights(), { shardCount: 2 });
    const index = JSON.parse(await readFile(indexFile, 'utf8'));
    index.weight_map['ghost.weight'] = 'model-00002-of-00002.safetensors';
    await writeFile(indexFile, JSON.stringify(index));
    await assert.rejects(readShardedSafetensors(indexFile), (err: Error) => {
      assert.match(err.message, new RegExp(SAFETENSORS_INDEX_FILE.replaceAll('.', '\\.')));
      assert.match(err.message, /"ghost\.weight"/);
      assert.match(err.message, /model-00002-of-00002\.safetensors/);
      return true;
    });
  });
});

describe('invalid files', () => {
  async function rejectsWith(name: string, bytes: Uint8Array, ...patterns: RegExp[]): Promise<void> {
    const file = join(dir, name);
    await writeFile(file, bytes);
    await assert.rejects(readSafetensors(file), (err: Error) => {
      assert.ok(err.message.includes(file), `"${err.message}" names ${file}`);
      for (const p of patterns) assert.match(err.message, p);
      return true;
    });
  }

  it('a truncated file names the file and the tensor cut off', async () => {
    const file = join(dir, 'truncated.safetensors');
    await writeSafetensors(file, sampleWeights());
    await truncate(file, (await readFile(file)).byteLength - 2); // cuts into c.scalar, the last tensor
    await assert.rejects(readSafetensors(file), (err: Error) => {
      assert.ok(err.message.includes(file));
      assert.match(err.message, /tensor "c\.scalar"/);
      assert.match(err.message, /truncated/);
      return true;
    });
  });

  it('a header length beyond the file', async () => {
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64LE(1000n);
    await rejectsWith('long-header.safetensors', bytes, /header length 1000 exceeds the file/);
  });

  it('overlapping offsets', async () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    await rejectsWith(
      'overlap.safetensors',
      handmade(header, new Uint8Array(12)),
      /tensor "b"/,
      /overlap tensor "a"/,
    );
  });

  it('a byte span that does not match shape × dtype size', async () => {
    const header = { w: { dtype: 'BF16', shape: [3], data_offsets: [0, 8] } };
    await rejectsWith(
      'span.safetensors',
      handmade(header, new Uint8Array(8)),
      /tensor "w"/,
      /needs 6 bytes/,
      /span 8/,
    );
  });

  it('an unsupported dtype', async () => {
    const header = {
      ok: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      ids: { dtype: 'I64', shape: [1], data_offsets: [4, 12] },
    };
    await rejectsWith(
      'dtype.safetensors',
      handmade(header, new Uint8Array(12)),
      /tensor "ids"/,
      /dtype I64 is not supported/,
    );
  });

  it('a missing file', async () => {
    await assert.rejects(
      readSafetensors(join(dir, 'nope.safetensors')),
      /nope\.safetensors: cannot open.*ENOENT/,
    );
  });
});
