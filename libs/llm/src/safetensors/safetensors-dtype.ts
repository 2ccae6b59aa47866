// The safetensors float dtypes failmine reads and writes, and the bit-level conversions between
// them. Everything is widened to float32 in memory; f16/bf16 exist only on disk.

/** A safetensors dtype that failmine can read (and write). */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16';

/** Bytes per element of each supported dtype. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
};

/** True when `dtype` is one failmine can read. */
export function isSupportedDType(dtype: string): dtype is SafetensorsDType {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

// NOTE: safetensors is little-endian on disk, and the typed-array views below use the host's
// byte order. Every machine Node runs on here is little-endian; refuse to run otherwise rather
// than silently byte-swap every weight.
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
  throw new Error('safetensors I/O assumes a little-endian host');
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** The float32 bit pattern of an IEEE half (binary16) bit pattern; exact, incl. subnormals, inf and NaN. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf / NaN keep their payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0; // rebias 15 -> 127
  if (mant === 0) return sign >>> 0;
  // Subnormal half: shift the mantissa up until its leading 1 becomes the implicit bit.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** The nearest IEEE half bit pattern to a float32 bit pattern (round to nearest, ties to even). */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0); // NaN stays NaN
  const e = exp - 112; // half's biased exponent
  if (e >= 31) return sign | 0x7c00; // too large: infinity
  if (e <= 0) {
    // Half subnormal: value = m * 2^-24 with m = full mantissa >> (14 - e).
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const full = mant | 0x800000;
    const shift = 14 - e;
    let m = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (m & 1) === 1)) m++; // may carry into the smallest normal: correct
    return sign | m;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1)) r++; // a carry may reach infinity: correct
  return sign | r;
}

/** The nearest bfloat16 bit pattern to a float32 bit pattern (round to nearest, ties to even). */
export function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff; // quiet NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The float32 value of an IEEE half bit pattern. */
export function f16ToF32(h: number): number {
  u32Scratch[0] = f16BitsToF32Bits(h);
  return f32Scratch[0] as number;
}

/** The float32 value of a bfloat16 bit pattern (bf16 is the top 16 bits of an f32). */
export function bf16ToF32(b: number): number {
  u32Scratch[0] = (b & 0xffff) << 16;
  return f32Scratch[0] as number;
}

// All 65536 half patterns, widened once: a table lookup beats the branchy conversion on
// checkpoints with hundreds of millions of elements (256 KiB, built on first use).
let f16Table: Uint32Array | null = null;
function f16ToF32Table(): Uint32Array {
  if (f16Table) return f16Table;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) table[h] = f16BitsToF32Bits(h);
  f16Table = table;
  return table;
}

/**
 * Widens little-endian `dtype` bytes to a new Float32Array. `bytes.byteLength` must be a
 * multiple of the element size (the reader checks this against the header before calling).
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: SafetensorsDType): Float32Array {
  const count = bytes.byteLength / SAFETENSORS_DTYPE_BYTES[dtype];
  // Copy first: the source may sit at an odd offset inside a larger buffer, and typed-array
  // views need aligned offsets.
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  if (dtype === 'F32') return new Float32Array(aligned.buffer);
  const out = new Float32Array(count);
  const src = new Uint16Array(aligned.buffer);
  const dst = new Uint32Array(out.buffer);
  if (dtype === 'BF16') {
    for (let i = 0; i < count; i++) dst[i] = (src[i] as number) << 16;
  } else {
    const table = f16ToF32Table();
    for (let i = 0; i < count; i++) dst[i] = table[src[i] as number] as number;
  }
  return out;
}

/** Narrows float32 values to little-endian `dtype` bytes (f16/bf16 round to nearest even). */
export function encodeFromFloat32(data: Float32Array, dtype: SafetensorsDType): Uint8Array {
  if (dtype === 'F32')
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length);
  const narrow = dtype === 'BF16' ? f32BitsToBf16Bits : f32BitsToF16Bits;
  for (let i = 0; i < data.length; i++) out[i] = narrow(bits[i] as number);
  return new Uint8Array(out.buffer);
}
