import { isFloat } from './dtype.js';
import type { GraphBuilder, GraphNode, Tensor } from './graph-builder.js';
import { add } from './ops/binary.js';
import { zerosLike } from './ops/constants.js';
import type { VjpRule } from './vjp.js';
import { VJP_RULES } from './vjp-rules.js';

/** Options of differentiate(). */
export interface DifferentiateOptions {
  /**
   * A `wrt` tensor the loss does not depend on gets a zero gradient instead of an error (as
   * torch.autograd.grad's allow_unused, but zeros rather than None).
   */
  allowUnused?: boolean;
  /** VJP rules by op type; the built-in table unless given (tests pass broken tables). */
  rules?: ReadonlyMap<string, VjpRule>;
}

/**
 * Reverse-mode differentiation of `loss` (a scalar) with respect to `wrt`, appending the backward
 * nodes to `g` so one graph returns both. Returns the gradient tensor of each `wrt` tensor by
 * name; mark them as outputs to fetch them. Only float values carry gradients.
 * NOTE: a `wrt` tensor the loss does not depend on is an error (usually a wrong tensor was
 * passed) unless `allowUnused` is set.
 */
export function differentiate(
  g: GraphBuilder,
  loss: Tensor,
  wrt: readonly Tensor[],
  options: DifferentiateOptions = {},
): Map<string, Tensor> {
  if (!loss.shape || loss.shape.some((d) => d !== 1)) {
    throw new Error(`differentiate: loss "${loss.name}" must be a scalar, its shape is [${loss.shape}]`);
  }
  const notFloat = wrt.find((t) => !isFloat(t.dtype));
  if (notFloat) {
    throw new Error(
      `differentiate: "${notFloat.name}" is ${notFloat.dtype}; only float values have gradients`,
    );
  }
  const rules = options.rules ?? VJP_RULES;
  const path = nodesOnPath(g.nodes, loss, wrt);
  const unused = wrt.find((t) => !path.needed.has(t.name));
  if (unused && !options.allowUnused) {
    throw new Error(
      `differentiate: loss "${loss.name}" does not depend on "${unused.name}" (allowUnused gives zeros)`,
    );
  }
  const grads = new Map<string, Tensor>();
  if (path.reaches.has(loss.name)) grads.set(loss.name, seed(g, loss));
  for (const node of path.nodes.reverse()) backward(g, node, grads, path.reaches, rules);
  const result = new Map<string, Tensor>();
  for (const t of wrt) {
    // A used tensor can still lack a gradient when every path was cut by a null one (Where's condition).
    result.set(t.name, grads.get(t.name) ?? zerosLike(g, t));
  }
  return result;
}

/** d(loss)/d(loss) = 1, with the loss's dtype and shape. */
function seed(g: GraphBuilder, loss: Tensor): Tensor {
  if (loss.dtype !== 'float64' && loss.dtype !== 'float32') {
    throw new Error(`differentiate: loss dtype ${loss.dtype} is not supported (float32 or float64)`);
  }
  const data = loss.dtype === 'float64' ? Float64Array.of(1) : Float32Array.of(1);
  return g.constant({ dtype: loss.dtype, dims: (loss.shape ?? []) as number[], data }, 'grad_seed');
}

/**
 * The nodes on some path from a `wrt` tensor to `loss`, in creation order (a topological order);
 * the float values that depend on some `wrt` tensor (`reaches`), and those of them the loss
 * depends on (`needed`). Non-float values never get gradients.
 */
function nodesOnPath(
  nodes: readonly GraphNode[],
  loss: Tensor,
  wrt: readonly Tensor[],
): { nodes: GraphNode[]; reaches: Set<string>; needed: Set<string> } {
  const reaches = new Set(wrt.filter((t) => isFloat(t.dtype)).map((t) => t.name));
  const forward: GraphNode[] = [];
  for (const node of nodes) {
    if (!node.inputs.some((t) => t && reaches.has(t.name))) continue;
    const floats = node.outputs.filter((t) => isFloat(t.dtype));
    for (const t of floats) reaches.add(t.name);
    if (floats.length > 0) forward.push(node);
  }
  const needed = new Set([loss.name]);
  const onPath: GraphNode[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i] as GraphNode;
    if (!node.outputs.some((t) => needed.has(t.name))) continue;
    onPath.push(node);
    for (const t of node.inputs) if (t && reaches.has(t.name)) needed.add(t.name);
  }
  return { nodes: onPath.reverse(), reaches, needed };
}

/** Applies one node's VJP rule and adds each input's gradient into `grads`. */
function backward(
  g: GraphBuilder,
  node: GraphNode,
  grads: Map<string, Tensor>,
  reaches: ReadonlySet<string>,
  rules: ReadonlyMap<string, VjpRule>,
): void {
  const where = `${node.opType} (node "${node.name}")`;
  const [out, ...rest] = node.outputs;
  if (rest.some((t) => grads.has(t.name)))
    throw new Error(`differentiate: ${where}: only output 0 can carry a gradient`);
  const dy = out && grads.get(out.name);
  if (!out || !dy) return; // every path through this node was cut by a null gradient
  const rule = rules.get(node.opType);
  if (!rule) throw new Error(`differentiate: no VJP rule for op ${where}`);
  const lazy = rule({ g, node, inputs: node.inputs, out, dy });
  if (lazy.length !== node.inputs.length) {
    throw new Error(
      `differentiate: VJP of ${where} returned ${lazy.length} gradients for ${node.inputs.length} inputs`,
    );
  }
  node.inputs.forEach((input, i) => {
    const make = lazy[i];
    if (!input || !make || !reaches.has(input.name)) return;
    const grad = make();
    checkGradient(where, i, input, grad);
    const prior = grads.get(input.name);
    grads.set(input.name, prior ? add(g, prior, grad) : grad);
  });
}

/** A gradient has its input's dtype and (where both are known numbers) its dims. */
function checkGradient(where: string, index: number, input: Tensor, grad: Tensor): void {
  const fits =
    grad.dtype === input.dtype &&
    (!grad.shape ||
      !input.shape ||
      (grad.shape.length === input.shape.length &&
        grad.shape.every(
          (d, k) => typeof d !== 'number' || typeof input.shape?.[k] !== 'number' || d === input.shape[k],
        )));
  if (!fits) {
    throw new Error(
      `differentiate: VJP of ${where} gave input ${index} ("${input.name}", ${input.dtype} [${input.shape}]) ` +
        `a gradient of ${grad.dtype} [${grad.shape}]`,
    );
  }
}
