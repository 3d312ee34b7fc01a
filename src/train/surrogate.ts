/**
 * Surrogate gradients of the spike function s = H(v - threshold) (Neftci, Mostafa & Zenke 2019):
 * the forward pass is the Heaviside step (a spike when v - threshold > 0, as snnTorch's `(x > 0)`),
 * the backward pass replaces its derivative by a smooth pseudo-derivative of x = v - threshold.
 *
 * | surrogate | pseudo-derivative | default | as |
 * |---|---|---|---|
 * | `fastSigmoid(slope)` | 1 / (slope |x| + 1)^2 | slope 25 | snnTorch `surrogate.fast_sigmoid(slope=25)` |
 * | `atan(alpha)` | (alpha / 2) / (1 + (pi alpha x / 2)^2) | alpha 2 | snnTorch `surrogate.atan(alpha=2)` (snnTorch's default for every neuron) |
 * | `triangle(gamma, width)` | gamma max(0, 1 - |x| / width) | gamma 0.3, width 1 | Bellec et al. 2018 (LSNN), x in units of the threshold when the threshold is 1 |
 * | `superSpike(beta)` | 1 / (beta |x| + 1)^2 | beta 100 | Zenke & Ganguli 2018; Norse's default `"super"` with alpha 100, SpyTorch's scale 100 |
 *
 * neurolab's own default is snnTorch's (atan, alpha 2).
 */
import { checkPositive } from "../core/checks.js";
import { describeValue } from "../core/describe.js";

/** A surrogate gradient: its name, parameter and pseudo-derivative. */
export interface Surrogate {
  readonly kind: "fastSigmoid" | "atan" | "triangle" | "superSpike";
  /** The shape parameters, for save/load. */
  readonly params: Readonly<Record<string, number>>;
  /** The pseudo-derivative at x = v - threshold. */
  derivative(x: number): number;
}

/**
 * Fast sigmoid (SuperSpike's shape with snnTorch's slope): 1 / (slope |x| + 1)^2.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const sg = train.fastSigmoid(25); // snnTorch's default slope
 * sg.derivative(0); // 1 at threshold
 * train.lif({ size: 100, surrogate: sg });
 * ```
 */
export function fastSigmoid(slope = 25): Surrogate {
  checkPositive(slope, "slope");
  return {
    kind: "fastSigmoid",
    params: { slope },
    derivative: (x) => {
      const d = slope * Math.abs(x) + 1;
      return 1 / (d * d);
    },
  };
}

/**
 * Arctangent: (alpha / 2) / (1 + (pi alpha x / 2)^2) (snnTorch's default).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.lif({ size: 100, surrogate: train.atan(2) }); // snnTorch's atan, alpha = 2
 * ```
 */
export function atan(alpha = 2): Surrogate {
  checkPositive(alpha, "alpha");
  const c = (Math.PI / 2) * alpha;
  return {
    kind: "atan",
    params: { alpha },
    derivative: (x) => {
      const y = c * x;
      return alpha / 2 / (1 + y * y);
    },
  };
}

/**
 * Triangle (Bellec et al. 2018): gamma max(0, 1 - |x| / width).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.triangle().derivative(0.5); // piecewise linear around threshold
 * ```
 */
export function triangle(gamma = 0.3, width = 1): Surrogate {
  checkPositive(gamma, "gamma");
  checkPositive(width, "width");
  return {
    kind: "triangle",
    params: { gamma, width },
    derivative: (x) => gamma * Math.max(0, 1 - Math.abs(x) / width),
  };
}

/**
 * SuperSpike (Zenke & Ganguli 2018): 1 / (beta |x| + 1)^2, beta = 100 as Norse and SpyTorch.
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * train.lif({ size: 100, surrogate: train.superSpike(100) }); // Zenke & Ganguli 2018, as in SpyTorch
 * ```
 */
export function superSpike(beta = 100): Surrogate {
  checkPositive(beta, "beta");
  return {
    kind: "superSpike",
    params: { beta },
    derivative: (x) => {
      const d = beta * Math.abs(x) + 1;
      return 1 / (d * d);
    },
  };
}

/**
 * Rebuilds a surrogate from its kind and parameters (save/load).
 *
 * @example
 * ```ts
 * import { train } from "neurolab";
 * const sg = train.surrogateFrom("atan", { alpha: 2 }); // as a saved model stores it
 * ```
 */
export function surrogateFrom(kind: string, params: Record<string, number>): Surrogate {
  switch (kind) {
    case "fastSigmoid":
      return fastSigmoid(params.slope);
    case "atan":
      return atan(params.alpha);
    case "triangle":
      return triangle(params.gamma, params.width);
    case "superSpike":
      return superSpike(params.beta);
    default:
      throw new RangeError(
        `surrogate kind must be one of "fastSigmoid", "atan", "triangle", "superSpike", got ${describeValue(kind)}`,
      );
  }
}
