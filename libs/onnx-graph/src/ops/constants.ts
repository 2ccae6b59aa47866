import type { DType, TensorData } from '../dtype.js';
import type { GraphBuilder, Tensor } from '../graph-builder.js';

/** An int64 vector constant (shapes, axes, starts/ends). */
export function int64s(g: GraphBuilder, values: readonly number[], hint = 'ints'): Tensor {
  return g.constant(
    { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) },
    hint,
  );
}

/** A scalar constant of a float or int type. */
export function scalar(g: GraphBuilder, value: number, dtype: DType = 'float32', hint = 'scalar'): Tensor {
  const data =
    dtype === 'float32'
      ? Float32Array.of(value)
      : dtype === 'float64'
        ? Float64Array.of(value)
        : dtype === 'int64'
          ? BigInt64Array.of(BigInt(value))
          : dtype === 'int32'
            ? Int32Array.of(value)
            : undefined;
  if (!data) throw new Error(`scalar(): unsupported dtype ${dtype}`);
  return g.constant({ dtype, dims: [], data }, hint);
}

/**
 * The integer values of a constant (an initializer such as int64s() makes), or undefined when
 * `t` is computed at run time. Backward rules read axes, starts and ends this way.
 */
export function constantInts(g: GraphBuilder, t: Tensor | undefined): number[] | undefined {
  if (!t) return undefined;
  const init = g.initializers.get(t.name);
  if (!init || init.tensor !== t) return undefined;
  const data = init.value.data;
  if (data instanceof BigInt64Array) return Array.from(data, Number);
  if (data instanceof Int32Array) return Array.from(data);
  return undefined;
}

/** Zeros with x's runtime shape and dtype (ConstantOfShape of Shape(x)). */
export function zerosLike(g: GraphBuilder, x: Tensor): Tensor {
  const [shape] = g.node('Shape', [x], [{ dtype: 'int64', shape: x.shape ? [x.shape.length] : undefined }]);
  const zero = { dtype: x.dtype, dims: [1], data: zeroData(x.dtype) };
  const [out] = g.node('ConstantOfShape', [shape], [{ dtype: x.dtype, shape: x.shape }], {
    value: { tensor: zero },
  });
  return out as Tensor;
}

function zeroData(dtype: DType): TensorData {
  if (dtype === 'float32') return new Float32Array(1);
  if (dtype === 'float64') return new Float64Array(1);
  if (dtype === 'float16') return new Uint16Array(1);
  if (dtype === 'int64') return new BigInt64Array(1);
  if (dtype === 'int32') return new Int32Array(1);
  return new Uint8Array(1);
}
