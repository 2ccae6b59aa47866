import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bf16ToF32,
  decodeToFloat32,
  encodeFromFloat32,
  f16ToF32,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
} from '../src/safetensors/safetensors-dtype.js';

const bitsOf = (x: number): number => new Uint32Array(Float32Array.of(x).buffer)[0] as number;
const toF16 = (x: number): number => f32BitsToF16Bits(bitsOf(x));
const toBf16 = (x: number): number => f32BitsToBf16Bits(bitsOf(x));

describe('f16 conversions', () => {
  it('widens normals, subnormals, zeros, infinities and NaN exactly', () => {
    assert.equal(f16ToF32(0x3c00), 1);
    assert.equal(f16ToF32(0xc000), -2);
    assert.equal(f16ToF32(0x7bff), 65504); // largest finite half
    assert.equal(f16ToF32(0x0400), 2 ** -14); // smallest normal
    assert.equal(f16ToF32(0x0001), 2 ** -24); // smallest subnormal
    assert.equal(f16ToF32(0x03ff), 1023 * 2 ** -24); // largest subnormal
    assert.ok(Object.is(f16ToF32(0x8000), -0));
    assert.equal(f16ToF32(0x7c00), Number.POSITIVE_INFINITY);
    assert.equal(f16ToF32(0xfc00), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(f16ToF32(0x7e00)));
  });

  it('narrows with round-to-nearest-even, overflow to infinity and underflow to zero', () => {
    assert.equal(toF16(1), 0x3c00);
    assert.equal(toF16(1 + 2 ** -11), 0x3c00); // tie, even mantissa stays
    assert.equal(toF16(1 + 3 * 2 ** -11), 0x3c02); // tie, odd mantissa rounds up
    assert.equal(toF16(1 + 2 ** -11 + 2 ** -20), 0x3c01); // just above the tie
    assert.equal(toF16(65504), 0x7bff);
    assert.equal(toF16(65519), 0x7bff); // below the midpoint to infinity
    assert.equal(toF16(65520), 0x7c00); // the midpoint rounds to even: infinity
    assert.equal(toF16(2 ** -24), 0x0001);
    assert.equal(toF16(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal: even is 0
    assert.equal(toF16(3 * 2 ** -26), 0x0001);
    assert.equal(toF16(1023.5 * 2 ** -24), 0x0400); // rounds up into the smallest normal
    assert.equal(toF16(-0), 0x8000);
    assert.equal(toF16(Number.NEGATIVE_INFINITY), 0xfc00);
    assert.ok(Number.isNaN(f16ToF32(toF16(Number.NaN))));
  });

  it('round-trips every finite half pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // inf/NaN
      assert.equal(toF16(f16ToF32(h)), h, `pattern 0x${h.toString(16)}`);
    }
  });
});

describe('bf16 conversions', () => {
  it('widens by placing the 16 bits on top of an f32', () => {
    assert.equal(bf16ToF32(0x3f80), 1);
    assert.equal(bf16ToF32(0xc040), -3);
    assert.equal(bf16ToF32(0x3f81), 1 + 2 ** -7);
    assert.equal(bf16ToF32(0x7f80), Number.POSITIVE_INFINITY);
  });

  it('narrows with round-to-nearest-even and keeps NaN a NaN', () => {
    assert.equal(toBf16(1), 0x3f80);
    assert.equal(toBf16(1 + 2 ** -8), 0x3f80); // tie, even stays
    assert.equal(toBf16(1 + 3 * 2 ** -8), 0x3f82); // tie, odd rounds up
    assert.equal(toBf16(1 + 2 ** -8 + 2 ** -20), 0x3f81);
    assert.equal(toBf16(-3), 0xc040);
    assert.ok(Number.isNaN(bf16ToF32(toBf16(Number.NaN))));
  });
});

describe('array encode/decode', () => {
  it('decodes from an unaligned slice of a larger buffer', () => {
    const values = Float32Array.of(1.5, -2.25, 1e-3, 3e5);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const bytes = encodeFromFloat32(values, dtype);
      const shifted = new Uint8Array(bytes.byteLength + 1);
      shifted.set(bytes, 1);
      const back = decodeToFloat32(shifted.subarray(1), dtype);
      const tolerance = dtype === 'F32' ? 0 : dtype === 'F16' ? 2 ** -11 : 2 ** -8;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        // 3e5 is beyond f16's range: it becomes infinity.
        if (dtype === 'F16' && v > 65504) assert.equal(back[i], Number.POSITIVE_INFINITY);
        else
          assert.ok(
            Math.abs((back[i] as number) - v) <= Math.abs(v) * tolerance,
            `${dtype} ${v} -> ${back[i]}`,
          );
      }
    }
  });
});
