// Writes Weights as safetensors, byte-deterministically: tensors sorted by name, data laid out in
// that order, `__metadata__` first, the JSON header padded with spaces so the data section starts
// 8-byte aligned (the format allows trailing spaces in the header).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Weights } from '../model/weights.js';
import { encodeFromFloat32, SAFETENSORS_DTYPE_BYTES, type SafetensorsDType } from './safetensors-dtype.js';
import { SAFETENSORS_INDEX_FILE } from './safetensors-index.js';

/** How to write a safetensors file. */
export interface SafetensorsWriteOptions {
  /** On-disk dtype; F32 by default. F16/BF16 round to nearest even. */
  dtype?: SafetensorsDType;
  /** Extra `__metadata__` strings; `format: "pt"` is always set (HF loaders expect it). */
  metadata?: Record<string, string>;
}

/** Serializes weights to the bytes of one safetensors file. */
export function serializeSafetensors(weights: Weights, options: SafetensorsWriteOptions = {}): Uint8Array {
  const dtype = options.dtype ?? 'F32';
  // Code-unit order, not localeCompare: the bytes must not depend on the machine's locale.
  const names = [...weights.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { ...options.metadata, format: 'pt' } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = weights.get(name);
    if (!tensor) continue;
    checkTensor(name, tensor.dims, tensor.data.length);
    const bytes = encodeFromFloat32(tensor.data, dtype);
    header[name] = { dtype, shape: tensor.dims, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - (json.byteLength % 8)) % 8;
  const headerLength = json.byteLength + padding;
  const out = Buffer.alloc(8 + headerLength + offset, 0x20); // spaces fill the header padding
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(out, 8);
  let cursor = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, cursor);
    cursor += chunk.byteLength;
  }
  return out;
}

/**
 * Writes weights to one safetensors file. The bytes go to a temporary file that is then renamed,
 * so a crash never leaves a truncated checkpoint under the real name.
 */
export async function writeSafetensors(
  file: string,
  weights: Weights,
  options: SafetensorsWriteOptions = {},
): Promise<void> {
  await writeAtomically(file, serializeSafetensors(weights, options));
}

/** How to split a checkpoint into shards. */
export interface ShardedWriteOptions extends SafetensorsWriteOptions {
  /** Number of shards (tensors are split by sorted name into this many nearly equal runs). */
  shardCount: number;
}

/**
 * Writes weights as HF-style shards `model-0000i-of-0000n.safetensors` plus
 * model.safetensors.index.json in `dir`; returns the index path.
 */
export async function writeShardedSafetensors(
  dir: string,
  weights: Weights,
  options: ShardedWriteOptions,
): Promise<string> {
  const names = [...weights.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { shardCount } = options;
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > names.length) {
    throw new Error(`shardCount ${shardCount} must be an integer in [1, ${names.length}] (the tensor count)`);
  }
  const weightMap: Record<string, string> = {};
  let totalBytes = 0;
  const perShard = Math.ceil(names.length / shardCount);
  const pad = (n: number): string => String(n).padStart(5, '0');
  for (let s = 0; s < shardCount; s++) {
    const shardFile = `model-${pad(s + 1)}-of-${pad(shardCount)}.safetensors`;
    const shard: Weights = new Map();
    for (const name of names.slice(s * perShard, (s + 1) * perShard)) {
      const tensor = weights.get(name);
      if (!tensor) continue;
      shard.set(name, tensor);
      weightMap[name] = shardFile;
      totalBytes += tensor.data.length * SAFETENSORS_DTYPE_BYTES[options.dtype ?? 'F32'];
    }
    await writeSafetensors(join(dir, shardFile), shard, options);
  }
  const indexFile = join(dir, SAFETENSORS_INDEX_FILE);
  const index = { metadata: { total_size: totalBytes }, weight_map: weightMap };
  await writeAtomically(indexFile, Buffer.from(`${JSON.stringify(index, null, 2)}\n`, 'utf8'));
  return indexFile;
}

/** Writes bytes to `file` via a temporary sibling and a rename, creating the directory if needed. */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, bytes);
  await rename(partial, file);
}

function checkTensor(name: string, dims: number[], length: number): void {
  if (name === '' || name === '__metadata__')
    throw new Error(`tensor name ${JSON.stringify(name)} is reserved`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`tensor "${name}": dims [${dims.join(', ')}] are not non-negative integers`);
  }
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new Error(
      `tensor "${name}": dims [${dims.join(', ')}] need ${expected} values, data has ${length}`,
    );
  }
}
