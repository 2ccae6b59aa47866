import { req, type VjpTable } from '../vjp.js';
import { div, mul, sub } from './binary.js';
import { scalar } from './constants.js';
import { cast, unary } from './unary.js';

// VJP rules of the ops in ./unary.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rules (reverse mode; see autodiff.ts). `out` is the forward result, reused where cheaper. ----

/** Gradients of the element-wise unary ops and Cast. */
export const unaryVjps: VjpTable = {
  Neg: ({ g, dy }) => [() => unary(g, 'Neg', dy)],
  Identity: ({ dy }) => [() => dy],
  Exp: ({ g, dy, out }) => [() => mul(g, dy, out)],
  Log: ({ g, dy, inputs: [x] }) => [() => div(g, dy, req(x))],
  // NOTE: infinite at x = 0, as sqrt's slope is.
  Sqrt: ({ g, dy, out }) => [() => div(g, dy, mul(g, out, scalar(g, 2, out.dtype)))],
  // y = 1/x: dx = -dy * y^2.
  Reciprocal: ({ g, dy, out }) => [() => unary(g, 'Neg', mul(g, dy, mul(g, out, out)))],
  // NOTE: from the output, s * (1 - s); exact where sigmoid saturates (the slope is then ~0).
  Sigmoid: ({ g, dy, out }) => [() => mul(g, dy, mul(g, out, sub(g, scalar(g, 1, out.dtype), out)))],
  Cos: ({ g, dy, inputs: [x] }) => [() => unary(g, 'Neg', mul(g, dy, unary(g, 'Sin', req(x))))],
  Sin: ({ g, dy, inputs: [x] }) => [() => mul(g, dy, unary(g, 'Cos', req(x)))],
  // Only float -> float casts lie on a gradient path (integers never carry gradients).
  Cast: ({ g, dy, inputs: [x] }) => [() => cast(g, dy, req(x).dtype)],
};
