import type { DType } from '../dtype.js';
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
