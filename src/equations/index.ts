/**
 * Models as equations (Brian2's notation): units and dimensions, the parser, unit checking,
 * integrators and the code generators (JavaScript reference, WebAssembly SIMD).
 */
export {
  volt,
  mV,
  uV,
  second,
  ms,
  us,
  Hz,
  kHz,
  amp,
  nA,
  pA,
  siemens,
  uS,
  nS,
  pS,
  farad,
  nF,
  pF,
  ohm,
  kohm,
  Mohm,
  Gohm,
  metre,
  um,
} from "./units.js";
export { lookupUnit, formatDimension, DIMENSIONLESS, type Dimension, type Unit } from "./units.js";
export {
  parseEquations,
  parseExpression,
  parseStatements,
  formatExpr,
  ModelSyntaxError,
  type Equation,
  type Expr,
  type Statement,
} from "./parse.js";
export { DimensionMismatchError, FUNCTIONS } from "./expr.js";
export {
  resolveNeuronModel,
  METHODS,
  type EquationModelSpec,
  type Method,
  type NamespaceValue,
  type ResolvedModel,
} from "./model.js";
export type { StateArray } from "./codegen.js";
