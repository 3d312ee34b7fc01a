/**
 * Liquid states and a linear readout.
 *
 * State (Maass et al. 2002's readout input): neuron j's spikes filtered by an exponential kernel
 * and sampled at time T,
 *
 *     x_j(T) = Σ_{t_j^f <= T} exp(-(T - t_j^f) / tau),   tau = 30 ms by default,
 *
 * one row per sample time: a samples x neurons matrix.
 *
 * Readout: ridge regression in closed form, minimising ||Y - X W - b||^2 + alpha ||W||^2 (the
 * intercept b is not penalised: X and Y are centred, as scikit-learn's `Ridge` with
 * `fit_intercept=True`). Solved by a Cholesky factorisation of the primal system
 * (X_c^T X_c + alpha I) W = X_c^T Y_c when samples >= features, else of the dual (kernel) system
 * W = X_c^T (X_c X_c^T + alpha I)^-1 Y_c (what scikit-learn's "cholesky" solver does then too);
 * both are the same minimiser. A classifier (`ridgeClassifier`) regresses on targets +1 for the
 * class and -1 for the others and predicts the largest output (scikit-learn's `RidgeClassifier`).
 */
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { checkInteger, checkNumber } from "../core/checks.js";

/** A dense row-major matrix (samples x features). */
export interface StateMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, length rows * cols. */
  readonly data: Float64Array;
}

/** Spikes as two parallel arrays (a `SpikeMonitor` is one). */
export interface SpikeEvents {
  readonly times_ms: ArrayLike<number>;
  readonly neurons: ArrayLike<number>;
}

/** Options of {@link liquidStates}. */
export interface LiquidStateOptions {
  /** Sample times, ms (any order; rows follow this order). */
  times_ms: ArrayLike<number>;
  /** Time constant of the exponential filter, ms (default 30). */
  tau_ms?: number;
  /** First neuron index to read (default 0): e.g. a population's `start` in `monitor.ranges`. */
  start?: number;
  /** Number of neurons (columns), from `start` on; spikes of other neurons are ignored. */
  size: number;
}

/**
 * The exponentially filtered spike counts of `size` neurons sampled at `times_ms` (see the module
 * header): a samples x neurons matrix. Spikes at exactly a sample time count fully. Cost: one
 * pass over the spikes plus samples x neurons.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const spikes = { times_ms: [5, 12, 30], neurons: [0, 1, 0] };
 * reservoir.liquidStates(spikes, { times_ms: [20, 40], tau_ms: 30, size: 2 }); // 2 samples x 2 neurons of filtered counts
 * ```
 */
export function liquidStates(spikes: SpikeEvents, opts: LiquidStateOptions): StateMatrix {
  const tau = checkNumber(opts.tau_ms ?? 30, "tau_ms", { min: 0, minExclusive: true });
  const start = checkInteger(opts.start ?? 0, "start", 0);
  const size = checkInteger(opts.size, "size", 1);
  const times = opts.times_ms;
  const m = times.length;
  for (let k = 0; k < m; k++) checkNumber(times[k], `times_ms[${k}]`);
  const T = spikes.times_ms;
  const N = spikes.neurons;
  if (T.length !== N.length)
    throw new RangeError(
      `spikes: times_ms and neurons must have equal lengths, got ${T.length} and ${N.length}`,
    );
  // Spikes in time order (a monitor's already are; a stable sort keeps them so).
  let sorted = true;
  for (let s = 1; s < T.length; s++)
    if (T[s] < T[s - 1]) {
      sorted = false;
      break;
    }
  const idx = Int32Array.from({ length: T.length }, (_, s) => s);
  if (!sorted) idx.sort((a, b) => T[a] - T[b] || a - b);
  const order = Int32Array.from({ length: m }, (_, k) => k).sort(
    (a, b) => times[a] - times[b] || a - b,
  );
  const trace = new Float64Array(size);
  const last = new Float64Array(size);
  const data = new Float64Array(m * size);
  let s = 0;
  for (const row of order) {
    const t = times[row];
    for (; s < idx.length && T[idx[s]] <= t; s++) {
      const j = N[idx[s]] - start;
      if (j < 0 || j >= size) continue;
      const ts = T[idx[s]];
      trace[j] = trace[j] * Math.exp(-(ts - last[j]) / tau) + 1;
      last[j] = ts;
    }
    const base = row * size;
    for (let j = 0; j < size; j++)
      data[base + j] = trace[j] === 0 ? 0 : trace[j] * Math.exp(-(t - last[j]) / tau);
  }
  return { rows: m, cols: size, data };
}

/** Rows of numbers, or a {@link StateMatrix}. */
export type MatrixLike = StateMatrix | ArrayLike<ArrayLike<number>>;

function toMatrix(X: MatrixLike, what: string): Matrix {
  if (
    (X as StateMatrix).data instanceof Float64Array &&
    typeof (X as StateMatrix).rows === "number"
  ) {
    const S = X as StateMatrix;
    if (S.data.length !== S.rows * S.cols)
      throw new RangeError(
        `${what}: data must have rows * cols = ${S.rows * S.cols} values, got ${S.data.length}`,
      );
    const M = new Matrix(S.rows, S.cols);
    for (let i = 0; i < S.rows; i++)
      for (let j = 0; j < S.cols; j++) M.set(i, j, S.data[i * S.cols + j]);
    checkFinite(M, what);
    return M;
  }
  const rows = X as ArrayLike<ArrayLike<number>>;
  if (typeof rows.length !== "number" || rows.length === 0)
    throw new RangeError(`${what} must have at least one row`);
  const cols = rows[0].length;
  const M = new Matrix(rows.length, cols);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== cols)
      throw new RangeError(
        `${what}: every row must have ${cols} values, row ${i} has ${rows[i].length}`,
      );
    for (let j = 0; j < cols; j++) M.set(i, j, rows[i][j]);
  }
  checkFinite(M, what);
  return M;
}

function checkFinite(M: Matrix, what: string): void {
  for (let i = 0; i < M.rows; i++)
    for (let j = 0; j < M.columns; j++)
      if (!Number.isFinite(M.get(i, j)))
        throw new RangeError(`${what}[${i}][${j}] must be finite, got ${M.get(i, j)}`);
}

/** Options of {@link ridgeFit}. */
export interface RidgeOptions {
  /** Regularisation strength alpha >= 0 (default 1, scikit-learn's). */
  alpha?: number;
  /** Fit an unpenalised intercept (default true). */
  fitIntercept?: boolean;
}

/**
 * A fitted ridge regression: `Y ≈ X coef^T + intercept`.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const model: reservoir.RidgeModel = reservoir.ridgeFit([[0], [1], [2]], [1, 3, 5]);
 * model.coef; model.intercept; // slope 4/3, intercept 5/3: alpha = 1 shrinks the slope (least squares: 2 and 1)
 * ```
 */
export class RidgeModel {
  constructor(
    /** Weights, targets x features (scikit-learn's `coef_` for several targets). */
    readonly coef: Matrix,
    /** Intercept per target. */
    readonly intercept: Float64Array,
  ) {}

  /** Predictions, samples x targets. */
  predict(X: MatrixLike): Matrix {
    const M = toMatrix(X, "X");
    if (M.columns !== this.coef.columns)
      throw new RangeError(`X must have ${this.coef.columns} columns (features), got ${M.columns}`);
    const P = M.mmul(this.coef.transpose());
    for (let i = 0; i < P.rows; i++)
      for (let t = 0; t < P.columns; t++) P.set(i, t, P.get(i, t) + this.intercept[t]);
    return P;
  }
}

/**
 * Ridge regression in closed form (see the module header). `Y`: one target per sample (an array)
 * or several (rows). Equal to scikit-learn's `Ridge(alpha, fit_intercept)` to rounding.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const model = reservoir.ridgeFit([[0, 1], [1, 0], [1, 1]], [1, 2, 3], { alpha: 1e-6 }); // as scikit-learn's Ridge
 * model.predict([[2, 2]]); // about 6
 * ```
 */
export function ridgeFit(
  X: MatrixLike,
  Y: ArrayLike<number> | ArrayLike<ArrayLike<number>>,
  opts: RidgeOptions = {},
): RidgeModel {
  for (const k of Object.keys(opts))
    if (!["alpha", "fitIntercept"].includes(k))
      throw new RangeError(`ridgeFit: unknown option "${k}" (allowed: alpha, fitIntercept)`);
  const alpha = checkNumber(opts.alpha ?? 1, "alpha", { min: 0 });
  const fitIntercept = opts.fitIntercept ?? true;
  const Xm = toMatrix(X, "X");
  const single = Y.length > 0 && typeof Y[0] === "number";
  const Ym = single
    ? Matrix.columnVector(Array.from(Y as ArrayLike<number>))
    : toMatrix(Y as ArrayLike<ArrayLike<number>>, "Y");
  if (Ym.rows !== Xm.rows)
    throw new RangeError(
      `X and Y must have the same number of samples, got ${Xm.rows} and ${Ym.rows}`,
    );
  checkFinite(Ym, "Y");
  const n = Xm.rows;
  const p = Xm.columns;
  const xMean = new Float64Array(p);
  const yMean = new Float64Array(Ym.columns);
  if (fitIntercept) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Xm.get(i, j);
      xMean[j] = s / n;
      for (let i = 0; i < n; i++) Xm.set(i, j, Xm.get(i, j) - xMean[j]);
    }
    for (let t = 0; t < Ym.columns; t++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Ym.get(i, t);
      yMean[t] = s / n;
      for (let i = 0; i < n; i++) Ym.set(i, t, Ym.get(i, t) - yMean[t]);
    }
  }
  let W: Matrix; // features x targets
  if (n >= p) {
    const G = Xm.transpose().mmul(Xm);
    for (let j = 0; j < p; j++) G.set(j, j, G.get(j, j) + alpha);
    W = solveSpd(G, Xm.transpose().mmul(Ym));
  } else {
    const K = Xm.mmul(Xm.transpose());
    for (let i = 0; i < n; i++) K.set(i, i, K.get(i, i) + alpha);
    W = Xm.transpose().mmul(solveSpd(K, Ym));
  }
  const coef = W.transpose();
  const intercept = new Float64Array(Ym.columns);
  for (let t = 0; t < Ym.columns; t++) {
    let s = yMean[t];
    for (let j = 0; j < p; j++) s -= xMean[j] * coef.get(t, j);
    intercept[t] = fitIntercept ? s : 0;
  }
  return new RidgeModel(coef, intercept);
}

function solveSpd(A: Matrix, B: Matrix): Matrix {
  const chol = new CholeskyDecomposition(A);
  if (!chol.isPositiveDefinite())
    throw new RangeError(
      "ridgeFit: the system is singular (alpha = 0 with collinear features or fewer samples than features); use alpha > 0",
    );
  return chol.solve(B);
}

/**
 * A ridge classifier: one ridge regression on +1/-1 class indicators; predicts the largest output.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const clf: reservoir.RidgeClassifierModel = reservoir.ridgeClassifier([[0], [1], [2], [3]], [0, 0, 1, 1]);
 * clf.accuracy([[0.2], [2.8]], [0, 1]); // 1
 * ```
 */
export class RidgeClassifierModel {
  constructor(
    readonly ridge: RidgeModel,
    readonly nClasses: number,
  ) {}

  /** Predicted class of each sample. */
  predict(X: MatrixLike): Int32Array {
    const P = this.ridge.predict(X);
    const out = new Int32Array(P.rows);
    for (let i = 0; i < P.rows; i++) {
      let best = 0;
      for (let c = 1; c < P.columns; c++) if (P.get(i, c) > P.get(i, best)) best = c;
      out[i] = this.nClasses === 2 && P.columns === 1 ? (P.get(i, 0) > 0 ? 1 : 0) : best;
    }
    return out;
  }

  /** Fraction of samples classified correctly. */
  accuracy(X: MatrixLike, labels: ArrayLike<number>): number {
    const pred = this.predict(X);
    if (labels.length !== pred.length)
      throw new RangeError(
        `labels must have one entry per sample (${pred.length}), got ${labels.length}`,
      );
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
    return ok / pred.length;
  }
}

/**
 * Fits a ridge classifier (scikit-learn's `RidgeClassifier`): labels 0..nClasses-1; two classes
 * use one output (+1 for class 1, -1 for class 0), more use one output per class.
 *
 * @example
 * ```ts
 * import { reservoir } from "neurolab";
 * const clf = reservoir.ridgeClassifier([[0, 1], [0.1, 0.9], [1, 0], [0.9, 0.2]], [0, 0, 1, 1]);
 * clf.predict([[0.05, 0.95]]); // Int32Array [0]
 * ```
 */
export function ridgeClassifier(
  X: MatrixLike,
  labels: ArrayLike<number>,
  opts: RidgeOptions = {},
): RidgeClassifierModel {
  let nClasses = 0;
  for (let i = 0; i < labels.length; i++) {
    checkInteger(labels[i], `labels[${i}]`, 0);
    nClasses = Math.max(nClasses, labels[i] + 1);
  }
  if (nClasses < 2)
    throw new RangeError(`labels must contain at least two classes (0 and 1), got ${nClasses}`);
  const Y = Array.from({ length: labels.length }, (_, i) =>
    nClasses === 2
      ? [labels[i] === 1 ? 1 : -1]
      : Array.from({ length: nClasses }, (_, c) => (labels[i] === c ? 1 : -1)),
  );
  return new RidgeClassifierModel(ridgeFit(X, Y, opts), nClasses);
}

/** Spike samples laid one after another on one input's time axis (see {@link concatenateSamples}). */
export interface SampleSequence {
  /** Spike times, ms (sorted). */
  readonly times_ms: Float64Array;
  /** Input index of each spike. */
  readonly neurons: Int32Array;
  /** Start of each sample's slot, ms. */
  readonly starts_ms: Float64Array;
}

/**
 * Lays spike samples (`{ times_ms, afferents }`, e.g. `train.randomPoissonPatterns(...).samples`)
 * one after another, sample k in the slot [start + k slot, start + (k+1) slot), for one
 * spike generator: `net.addSpikeGenerator("in", { size, ...concatenateSamples(task.samples, { slot_ms }) })`.
 *
 * @example
 * ```ts
 * import { reservoir, train } from "neurolab";
 * const task = train.randomPoissonPatterns({ nClasses: 2, nInputs: 20, samplesPerClass: 3, duration_ms: 100, rate_Hz: 20, seed: 1 });
 * const seq = reservoir.concatenateSamples(task.samples, { slot_ms: 150 }); // one spike train, a sample every 150 ms
 * seq.starts_ms; // [0, 150, 300, ...]
 * ```
 */
export function concatenateSamples(
  samples: readonly { times_ms: ArrayLike<number>; afferents: ArrayLike<number> }[],
  opts: { slot_ms: number; start_ms?: number },
): SampleSequence {
  const slot = checkNumber(opts.slot_ms, "slot_ms", { min: 0, minExclusive: true });
  const start = checkNumber(opts.start_ms ?? 0, "start_ms", { min: 0 });
  let total = 0;
  samples.forEach((s, k) => {
    if (s.times_ms.length !== s.afferents.length)
      throw new RangeError(`samples[${k}]: times_ms and afferents must have equal lengths`);
    for (let q = 0; q < s.times_ms.length; q++) {
      if (!(s.times_ms[q] >= 0 && s.times_ms[q] < slot))
        throw new RangeError(
          `samples[${k}].times_ms[${q}] must lie in [0, slot_ms = ${slot}), got ${s.times_ms[q]}`,
        );
    }
    total += s.times_ms.length;
  });
  const times_ms = new Float64Array(total);
  const neurons = new Int32Array(total);
  const starts_ms = new Float64Array(samples.length);
  let n = 0;
  samples.forEach((s, k) => {
    starts_ms[k] = start + k * slot;
    const order = Array.from({ length: s.times_ms.length }, (_, q) => q).sort(
      (a, b) => s.times_ms[a] - s.times_ms[b],
    );
    for (const q of order) {
      times_ms[n] = starts_ms[k] + s.times_ms[q];
      neurons[n++] = s.afferents[q];
    }
  });
  return { times_ms, neurons, starts_ms };
}
