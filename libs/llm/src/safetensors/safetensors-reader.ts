// Reads one .safetensors file: an 8-byte little-endian header length, a JSON header mapping
// tensor names to {dtype, shape, data_offsets}, then the raw data section. The whole header is
// validated against the file size before any tensor byte is read, so a truncated or corrupt file
// fails with the file and tensor named instead of yielding garbage weights.
import { open } from 'node:fs/promises';
import type { Weights } from '../model/weights.js';
import {
  decodeToFloat32,
  isSupportedDType,
  SAFETENSORS_DTYPE_BYTES,
  type SafetensorsDType,
} from './safetensors-dtype.js';

/** One tensor's entry in a safetensors header; offsets are relative to the data section. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) byte range inside the data section. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** The file it was read from, for error messages. */
  file: string;
  /** Byte position of the data section in the file (8 + header length). */
  dataStart: number;
  /** Tensors in header order. */
  tensors: Map<string, SafetensorsTensorInfo>;
  /** The free-form `__metadata__` string map ({} when absent). */
  metadata: Record<string, string>;
}

/** Tensors and metadata read from one safetensors file. */
export interface SafetensorsContents {
  weights: Weights;
  metadata: Record<string, string>;
}

// The format caps the header at 100 MB; a larger "length" means a corrupt or non-safetensors file.
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Validates a safetensors JSON header against the size of the data section that follows it.
 * Throws an Error naming `file` (and the tensor) for an unsupported dtype, a bad shape or
 * offsets, a byte span that does not match shape × dtype size, overlapping or gapped tensors,
 * and tensors reaching past the end of the data (a truncated file).
 */
export function parseSafetensorsHeader(
  headerText: string,
  dataBytes: number,
  file: string,
): Omit<SafetensorsHeader, 'dataStart'> {
  let json: unknown;
  try {
    json = JSON.parse(headerText);
  } catch (err) {
    throw new Error(`${file}: header is not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(json)) throw new Error(`${file}: header is not a JSON object`);
  const tensors = new Map<string, SafetensorsTensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(entry, file);
    else tensors.set(name, parseTensorEntry(name, entry, file));
  }
  checkLayout(tensors, dataBytes, file);
  return { file, tensors, metadata };
}

function parseMetadata(entry: unknown, file: string): Record<string, string> {
  if (!isRecord(entry) || Object.values(entry).some((v) => typeof v !== 'string')) {
    throw new Error(`${file}: __metadata__ must be an object of strings`);
  }
  return entry as Record<string, string>;
}

function parseTensorEntry(name: string, entry: unknown, file: string): SafetensorsTensorInfo {
  const where = `${file}: tensor "${name}"`;
  if (!isRecord(entry)) throw new Error(`${where}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') throw new Error(`${where}: missing dtype`);
  if (!isSupportedDType(dtype)) {
    throw new Error(`${where}: dtype ${dtype} is not supported (supported: F32, F16, BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) {
    throw new Error(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt)) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new Error(`${where}: data_offsets [${begin}, ${end}] end before begin`);
  const expectedBytes = (shape as number[]).reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
  if (end - begin !== expectedBytes) {
    throw new Error(
      `${where}: shape [${shape.join(', ')}] ${dtype} needs ${expectedBytes} bytes, data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

// Tensors must tile the data section exactly (as the reference implementation demands): sorted
// by offset, each starts where the previous ended, and the last ends where the file ends.
function checkLayout(tensors: Map<string, SafetensorsTensorInfo>, dataBytes: number, file: string): void {
  // Ties on begin sort the empty tensor first, so a zero-byte tensor never looks like an overlap.
  const byOffset = [...tensors].sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  let cursor = 0;
  let previous = '';
  for (const [name, { dataOffsets }] of byOffset) {
    const [begin, end] = dataOffsets;
    if (begin < cursor) {
      throw new Error(
        `${file}: tensor "${name}": data_offsets [${begin}, ${end}] overlap tensor "${previous}" (ends at ${cursor})`,
      );
    }
    if (begin > cursor) {
      throw new Error(
        `${file}: tensor "${name}": data_offsets [${begin}, ${end}] leave a gap after byte ${cursor}`,
      );
    }
    if (end > dataBytes) {
      throw new Error(
        `${file}: tensor "${name}": data_offsets [${begin}, ${end}] reach past the end of the data (${dataBytes} bytes); the file is truncated`,
      );
    }
    cursor = end;
    previous = name;
  }
  if (cursor !== dataBytes) {
    throw new Error(`${file}: ${dataBytes - cursor} unexpected bytes after the last tensor's data`);
  }
}

/** Reads and validates the header of a safetensors file without reading tensor data. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const handle = await openForReading(file);
  try {
    return await readHeader(handle, file);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a safetensors file, widening every tensor to float32. With `names`, only those tensors
 * are read, and a name absent from the file is an error naming the file and tensor.
 */
export async function readSafetensors(file: string, names?: Iterable<string>): Promise<SafetensorsContents> {
  const header = await readSafetensorsHeader(file);
  const weights = await readSafetensorsTensors(header, names ?? header.tensors.keys());
  return { weights, metadata: header.metadata };
}

/**
 * Reads the named tensors of a file whose header was already read and validated (so callers
 * can validate every shard of a checkpoint before reading any data).
 */
export async function readSafetensorsTensors(
  header: SafetensorsHeader,
  names: Iterable<string>,
): Promise<Weights> {
  const { file } = header;
  const handle = await openForReading(file);
  try {
    const weights: Weights = new Map();
    for (const name of names) {
      const info = header.tensors.get(name);
      if (!info) throw new Error(`${file}: tensor "${name}" is not in this file`);
      const [begin, end] = info.dataOffsets;
      const bytes = new Uint8Array(end - begin);
      const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, header.dataStart + begin);
      // The size was checked against stat; a short read means the file shrank while we read it.
      if (bytesRead !== bytes.byteLength)
        throw new Error(`${file}: tensor "${name}": short read; the file is truncated`);
      weights.set(name, { dims: [...info.shape], data: decodeToFloat32(bytes, info.dtype) });
    }
    return weights;
  } finally {
    await handle.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (err) {
    throw new Error(`${file}: cannot open safetensors file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

async function readHeader(handle: FileHandle, file: string): Promise<SafetensorsHeader> {
  const fileBytes = (await handle.stat()).size;
  if (fileBytes < 8) throw new Error(`${file}: ${fileBytes} bytes is too short for a safetensors file`);
  const prefix = Buffer.alloc(8);
  await handle.read(prefix, 0, 8, 0);
  const headerBigLength = prefix.readBigUInt64LE(0);
  if (headerBigLength > BigInt(fileBytes - 8)) {
    throw new Error(
      `${file}: header length ${headerBigLength} exceeds the file (${fileBytes} bytes); truncated or not a safetensors file`,
    );
  }
  if (headerBigLength > BigInt(MAX_HEADER_BYTES)) {
    throw new Error(
      `${file}: header length ${headerBigLength} is over the format's 100 MB limit; corrupt file`,
    );
  }
  const headerLength = Number(headerBigLength);
  const headerBytes = Buffer.alloc(headerLength);
  await handle.read(headerBytes, 0, headerLength, 8);
  const dataStart = 8 + headerLength;
  const parsed = parseSafetensorsHeader(headerBytes.toString('utf8'), fileBytes - dataStart, file);
  return { ...parsed, dataStart };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
