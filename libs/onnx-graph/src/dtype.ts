/** Element types the graph builder handles, named as onnxruntime-node names them. */
export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

/** ONNX TensorProto.DataType numbers of each DType. */
export const ONNX_DATA_TYPE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** A typed array that can hold the elements of a DType (float16 is carried as raw uint16 bits). */
export type TensorData = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array;

/** Bytes per element of each DType. */
export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int64: 8,
  int32: 4,
  bool: 1,
  uint8: 1,
};

/** True for the floating-point types (the ones gradients flow through). */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}
