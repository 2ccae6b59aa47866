import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { BYTES_PER_ELEMENT, type DType, ONNX_DATA_TYPE, type TensorData } from './dtype.js';

const { onnx } = onnxProto;

/** A dimension: a fixed size, or a symbolic name such as "batch_size". */
export type Dim = number | string;

/** A value in the graph: a graph input, an initializer or a node output. */
export interface Tensor {
  readonly name: string;
  readonly dtype: DType;
  /** Known shape, with symbolic dims as strings; undefined when not inferred. */
  readonly shape: readonly Dim[] | undefined;
}

/** An attribute value of a node. */
export type AttrValue =
  | number
  | string
  | number[]
  | string[]
  | { float: number }
  | { floats: number[] }
  | { tensor: ConstantTensor };

/** A constant tensor's content. */
export interface ConstantTensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** One node as recorded by the builder (autodiff walks these). */
export interface GraphNode {
  opType: string;
  domain: string;
  inputs: (Tensor | undefined)[];
  outputs: Tensor[];
  attrs: Record<string, AttrValue>;
  name: string;
}

/** Output types of a node, when the caller knows them (ops compute them by shape inference). */
export interface OutputType {
  dtype: DType;
  shape?: readonly Dim[] | undefined;
}

/** Options of serialization. */
export interface SerializeOptions {
  /** Default opset of the ai.onnx domain (17 unless given). */
  opset?: number;
  irVersion?: number;
  producerName?: string;
  /** Extra opset imports, e.g. { 'com.microsoft': 1 } for contrib ops. */
  extraOpsets?: Record<string, number>;
  /** Key/value pairs stored in the model's metadata_props. */
  metadata?: Record<string, string>;
}

/**
 * Builds one ONNX graph: inputs, initializers, nodes and outputs, with unique names and the
 * dtype (and, where cheap, shape) of every value. Nodes are kept in creation order, which is a
 * valid topological order because a node can only use values that already exist.
 */
export class GraphBuilder {
  readonly inputs: Tensor[] = [];
  readonly outputs: Tensor[] = [];
  readonly nodes: GraphNode[] = [];
  readonly initializers = new Map<string, { tensor: Tensor; value: ConstantTensor }>();
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name = 'graph') {}

  /** A unique value name derived from `hint`. */
  uniqueName(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, dtype: DType, shape: readonly Dim[]): Tensor {
    const t: Tensor = { name: this.claim(name), dtype, shape };
    this.inputs.push(t);
    return t;
  }

  /** Adds an initializer (a weight or constant) with exactly `name`. */
  initializer(name: string, value: ConstantTensor): Tensor {
    return this.addInitializer(this.claim(name), value);
  }

  /** A constant, stored as an initializer under a generated name. */
  constant(value: ConstantTensor, hint = 'const'): Tensor {
    return this.addInitializer(this.uniqueName(hint), value);
  }

  private addInitializer(name: string, value: ConstantTensor): Tensor {
    const expected = value.dims.reduce((a, b) => a * b, 1);
    const got = value.data.length;
    if (expected !== got) {
      throw new Error(
        `initializer "${name}": dims [${value.dims}] need ${expected} elements, data has ${got}`,
      );
    }
    const tensor: Tensor = { name, dtype: value.dtype, shape: value.dims };
    this.initializers.set(name, { tensor, value });
    return tensor;
  }

  /** Appends a node and returns its outputs (typed as `outputTypes` says). */
  node(
    opType: string,
    inputs: (Tensor | undefined)[],
    outputTypes: OutputType[],
    attrs: Record<string, AttrValue> = {},
    options: { domain?: string; name?: string; outputNames?: string[] } = {},
  ): Tensor[] {
    const base = options.name ?? opType;
    const nodeName = this.uniqueName(`${base}_node`);
    const outputs = outputTypes.map((t, i) => ({
      name: options.outputNames?.[i]
        ? this.claim(options.outputNames[i])
        : this.uniqueName(`${base}_out${i}`),
      dtype: t.dtype,
      shape: t.shape,
    }));
    this.nodes.push({ opType, domain: options.domain ?? '', inputs, outputs, attrs, name: nodeName });
    return outputs;
  }

  /** Marks a value as a graph output, renaming it through Identity when `name` differs. */
  output(tensor: Tensor, name = tensor.name): Tensor {
    let out = tensor;
    if (name !== tensor.name) {
      [out] = this.node(
        'Identity',
        [tensor],
        [{ dtype: tensor.dtype, shape: tensor.shape }],
        {},
        { outputNames: [name] },
      ) as [Tensor];
    }
    this.outputs.push(out);
    return out;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`value name "${name}" already used`);
    this.names.add(name);
    return name;
  }

  /** Serializes the graph to ModelProto bytes that onnxruntime loads. */
  toBytes(options: SerializeOptions = {}): Uint8Array {
    return this.encode(options, (name, value) => tensorProto(name, value));
  }

  /**
   * Writes the model to `modelPath` with every initializer of at least `minBytes` stored in a
   * separate data file beside it (ONNX external data), as models over protobuf's 2 GB limit
   * must be. onnxruntime then loads the model from the path and finds the data file itself.
   */
  async writeWithExternalData(
    modelPath: string,
    options: SerializeOptions & { dataFile?: string; minBytes?: number } = {},
  ): Promise<void> {
    const dataFile = options.dataFile ?? `${basename(modelPath)}_data`;
    const minBytes = options.minBytes ?? 1024;
    const out = createWriteStream(join(dirname(modelPath), dataFile));
    let offset = 0;
    const external: { name: string; value: ConstantTensor; offset: number; length: number }[] = [];
    for (const { tensor, value } of this.initializers.values()) {
      const length = value.data.byteLength;
      if (length < minBytes) continue;
      // 64-byte alignment lets onnxruntime map tensors without copying them to realign.
      const padding = (64 - (offset % 64)) % 64;
      if (padding > 0 && !out.write(Buffer.alloc(padding))) await once(out, 'drain');
      offset += padding;
      external.push({ name: tensor.name, value, offset, length });
      if (!out.write(Buffer.from(value.data.buffer, value.data.byteOffset, length))) await once(out, 'drain');
      offset += length;
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    const byName = new Map(external.map((e) => [e.name, e]));
    const bytes = this.encode(options, (name, value) => {
      const e = byName.get(name);
      if (!e) return tensorProto(name, value);
      return onnx.TensorProto.create({
        name,
        dims: value.dims,
        dataType: ONNX_DATA_TYPE[value.dtype],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: dataFile },
          { key: 'offset', value: String(e.offset) },
          { key: 'length', value: String(e.length) },
        ],
      });
    });
    await writeFile(modelPath, bytes);
  }

  private encode(
    options: SerializeOptions,
    initializer: (name: string, value: ConstantTensor) => onnxProto.onnx.ITensorProto,
  ): Uint8Array {
    const opsets = [{ domain: '', version: options.opset ?? 17 }];
    for (const [domain, version] of Object.entries(options.extraOpsets ?? {}))
      opsets.push({ domain, version });
    const model = onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      producerName: options.producerName ?? 'failmine',
      opsetImport: opsets.map((o) => onnx.OperatorSetIdProto.create(o)),
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) =>
        onnx.StringStringEntryProto.create({ key, value }),
      ),
      graph: onnx.GraphProto.create({
        name: this.name,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
        initializer: [...this.initializers.values()].map(({ tensor, value }) =>
          initializer(tensor.name, value),
        ),
        node: this.nodes.map((n) =>
          onnx.NodeProto.create({
            name: n.name,
            opType: n.opType,
            domain: n.domain,
            // An omitted optional input is written as "" (ONNX's convention).
            input: n.inputs.map((t) => t?.name ?? ''),
            output: n.outputs.map((t) => t.name),
            attribute: Object.entries(n.attrs).map(([name, v]) => attribute(name, v)),
          }),
        ),
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(t: Tensor): onnxProto.onnx.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name: t.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ONNX_DATA_TYPE[t.dtype],
        shape: t.shape
          ? onnx.TensorShapeProto.create({
              dim: t.shape.map((d) =>
                typeof d === 'number'
                  ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
                  : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
              ),
            })
          : null,
      }),
    }),
  });
}

/** Encodes a constant as a TensorProto with raw little-endian bytes. */
export function tensorProto(name: string, value: ConstantTensor): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(
    value.data.buffer,
    value.data.byteOffset,
    value.data.length * BYTES_PER_ELEMENT[value.dtype],
  );
  return onnx.TensorProto.create({
    name,
    dims: value.dims,
    dataType: ONNX_DATA_TYPE[value.dtype],
    rawData: bytes,
  });
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return { name, type: A.INTS, ints: v as number[] };
    return { name, type: A.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
  }
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: A.FLOATS, floats: v.floats };
  return { name, type: A.TENSOR, t: tensorProto(name, v.tensor) };
}
