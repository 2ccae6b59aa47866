import type { GraphBuilder, GraphNode, Tensor } from './graph-builder.js';

/**
 * What a VJP rule is given: the graph to append backward nodes to, the forward node, its inputs
 * and first output, and `dy`, the gradient of the loss with respect to that output.
 */
export interface VjpContext {
  readonly g: GraphBuilder;
  readonly node: GraphNode;
  /** node.inputs (an omitted optional input is undefined). */
  readonly inputs: readonly (Tensor | undefined)[];
  /** node.outputs[0], the value `dy` belongs to. */
  readonly out: Tensor;
  /** d(loss)/d(out), with out's dtype and shape. */
  readonly dy: Tensor;
}

/**
 * The gradient of one input, built on demand: the differentiator calls it only for inputs that
 * lie on a path to the loss, so no backward nodes are emitted for constants. `null` means the
 * input has no gradient (integer indices, shapes, a condition).
 */
export type LazyGradient = (() => Tensor) | null;

/**
 * A vector-Jacobian product rule: one LazyGradient per input of the node, in input order
 * (tinygrad's backward, with laziness standing in for needs_input_grad).
 */
export type VjpRule = (ctx: VjpContext) => LazyGradient[];

/** VJP rules by ONNX op type. */
export type VjpTable = Readonly<Record<string, VjpRule>>;

/** An input that the op's forward builder always sets (VJP rules destructure `inputs`). */
export function req(x: Tensor | undefined): Tensor {
  if (!x) throw new Error('VJP: a required input of the node is missing');
  return x;
}
