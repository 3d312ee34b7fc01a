/**
 * Seedable pseudo-random numbers with a documented algorithm, so that the same seed gives
 * bitwise-identical results on every platform.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018) on four 32-bit words, seeded by
 * running SplitMix32 (the 32-bit variant of SplitMix64's mixing, Math.imul based) from the
 * 32-bit seed. Doubles use 53 random bits from two outputs: `(a >>> 5) * 2^26 + (b >>> 6)`
 * divided by 2^53 (as an exact multiplication by 2^-53), as Brian2's C++ standalone `rand()`
 * does with its Mersenne Twister's outputs. Normals use Marsaglia's polar method, as Brian2's C++
 * standalone `randn()` and numpy's legacy `standard_normal` do: two uniforms on [-1, 1) until
 * the point lies inside the unit circle (r2 = x1^2 + x2^2 in (0, 1)), then
 * f = sqrt(-2 log(r2) / r2) gives f*x2 and, on the next call, the spare f*x1. (Box-Muller's sin
 * and cos would tie the numbers to the engine's build: V8 can be built with glibc's sin and cos,
 * `V8_USE_LIBM_TRIG_FUNCTIONS`, instead of fdlibm's.)
 * All arithmetic is 32-bit integer or IEEE-754 double, identical on every JavaScript engine;
 * `Math.log` is V8's fdlibm port, identical across platforms, and src/equations/log.ts is its
 * bitwise WebAssembly twin, so the generator's WebAssembly copy (src/random/wasm.ts) draws the
 * same uniforms and normals bit for bit.
 */
import { checkInteger, checkNumber, checkProbability } from "../core/checks.js";

/** Largest mean {@link Rng.poisson} accepts: 2^52, where doubles still hold every integer near the mean. */
export const MAX_POISSON_MEAN = 2 ** 52;

/**
 * A seedable generator. All state is in the instance; copies are independent via {@link Rng.fork}.
 *
 * @example
 * ```ts
 * import { Rng } from "neurolab";
 * const rng = new Rng(2026); // xoshiro128**: same seed, same numbers on every machine
 * rng.uniform(); rng.normal(); rng.int(10); rng.poisson(3.5);
 * const stream = rng.fork(); // an independent child stream (e.g. one per population)
 * ```
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;
  /** The arena state this generator is lent to ({@link lend}), or null. */
  private lent: Int32Array | null = null;

  /** @param seed integer in [0, 2^32 - 1] */
  constructor(seed: number) {
    checkInteger(seed, "seed", 0, 0xffffffff);
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    if (this.lent !== null) return this.drawLent(() => this.nextUint32());
    const s0 = this.s0,
      s1 = this.s1,
      s2 = this.s2,
      s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11);
    this.s0 = n0;
    this.s1 = n1;
    this.s2 = n2;
    this.s3 = n3;
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_MINUS_53;
  }

  /** Standard normal variate (mean 0, sd 1). */
  normal(): number {
    if (this.lent !== null) return this.drawLent(() => this.normal());
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.uniform() - 1;
      x2 = 2 * this.uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spareNormal = f * x1;
    return f * x2;
  }

  /** Integer uniformly distributed in [0, n). */
  int(n: number): number {
    checkInteger(n, "n", 1, 0xffffffff);
    return Math.floor(this.uniform() * n);
  }

  /**
   * Number of failures before the first success of Bernoulli(p) trials (geometric on {0,1,...}).
   * Used to skip over non-events in sparse sampling. Returns Infinity for p = 0.
   */
  geometric(p: number): number {
    checkProbability(p, "p");
    if (p === 0) return Infinity;
    if (p === 1) return 0;
    let u = 0;
    while (u === 0) u = this.uniform();
    return Math.floor(Math.log(u) / Math.log1p(-p));
  }

  /**
   * Poisson variate with mean `lambda` in [0, {@link MAX_POISSON_MEAN}]: Knuth's product of
   * uniforms below 10, else Hoermann's PTRS (transformed rejection with squeeze; W. Hoermann,
   * "The transformed rejection method for generating Poisson random variables", Insurance:
   * Mathematics and Economics 12, 1993), the algorithm numpy uses, exact in distribution and
   * O(1) expected uniforms per variate for any mean. The acceptance test evaluates
   * log p(k) in a cancellation-free form (Stirling's series around k = lambda), so it stays
   * accurate for means up to 2^52.
   */
  poisson(lambda: number): number {
    checkNumber(lambda, "lambda", { min: 0, max: MAX_POISSON_MEAN });
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const l = Math.exp(-lambda);
      let k = 0;
      let prod = this.uniform();
      while (prod > l) {
        k++;
        prod *= this.uniform();
      }
      return k;
    }
    const sqrtLam = Math.sqrt(lambda);
    const b = 0.931 + 2.53 * sqrtLam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vR = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vR) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        poissonLogPmf(k, lambda)
      )
        return k;
    }
  }

  /**
   * Writes the generator's state to `state` (an arena array of `RNG_STATE_WORDS` Int32s):
   * the four xoshiro words, then the spare normal variate's float64 bits (NaN when there is
   * none), where WebAssembly code advances them exactly as {@link nextUint32} and
   * {@link normal} do (src/random/wasm.ts); {@link loadState} takes them back.
   * @internal
   */
  saveState(state: Int32Array): void {
    checkStateWords(state);
    state[0] = this.s0;
    state[1] = this.s1;
    state[2] = this.s2;
    state[3] = this.s3;
    SPARE_BITS_F64[0] = this.spareNormal;
    state[RNG_SPARE_WORD] = SPARE_BITS_I32[0];
    state[RNG_SPARE_WORD + 1] = SPARE_BITS_I32[1];
  }

  /** Continues from the state words in `state` (written by {@link saveState}, then advanced in WebAssembly). @internal */
  loadState(state: Int32Array): void {
    checkStateWords(state);
    this.s0 = state[0];
    this.s1 = state[1];
    this.s2 = state[2];
    this.s3 = state[3];
    SPARE_BITS_I32[0] = state[RNG_SPARE_WORD];
    SPARE_BITS_I32[1] = state[RNG_SPARE_WORD + 1];
    this.spareNormal = SPARE_BITS_F64[0];
  }

  /**
   * Hands the generator's state to `state` (as {@link saveState}) while WebAssembly code draws
   * from it (a multi-step driver call); until {@link reclaim}, a draw in JavaScript (a callback
   * inside the call drawing from this stream) continues from the arena's state and writes it
   * back, so both take turns on one stream.
   * @internal
   */
  lend(state: Int32Array): void {
    if (this.lent !== null && this.lent !== state)
      throw new Error("Rng: already lent to another driver operation (one stream per operation)");
    this.reclaim();
    this.saveState(state);
    this.lent = state;
  }

  /** Takes the state back from where {@link lend} put it (as {@link loadState}). @internal */
  reclaim(): void {
    const state = this.lent;
    if (state === null) return;
    this.lent = null;
    this.loadState(state);
  }

  /** A draw while lent: from the arena's state, written back after it. */
  private drawLent(draw: () => number): number {
    const state = this.lent!;
    this.reclaim();
    try {
      return draw();
    } finally {
      this.lend(state);
    }
  }

  /** An independent generator derived from this one's stream (advances this generator). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

/** 2^-53: scaling by it is exact, so it equals the division by 2^53 and is faster. */
const TWO_POW_MINUS_53 = 2 ** -53;

/**
 * Int32 words of a generator's state in memory ({@link Rng.saveState}): the four xoshiro128**
 * words, then the spare normal as a float64 at word {@link RNG_SPARE_WORD}.
 * @internal
 */
export const RNG_STATE_WORDS = 6;

/** Word index of the spare normal's float64 in a saved state. @internal */
export const RNG_SPARE_WORD = 4;

function checkStateWords(state: Int32Array): void {
  if (state.length < RNG_STATE_WORDS)
    throw new RangeError(
      `state must hold ${RNG_STATE_WORDS} words (src/random/wasm.ts), got ${state.length}`,
    );
}

/** Scratch views that move the spare normal's float64 bits to and from two state words. */
const SPARE_BITS_F64 = new Float64Array(1);
const SPARE_BITS_I32 = new Int32Array(SPARE_BITS_F64.buffer);

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** log k! for k < 10 (exact sums of logs). */
const LOG_FACTORIAL_SMALL = Array.from({ length: 10 }, (_, k) => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
});

/**
 * log of the Poisson(lambda) probability of k, lambda >= 10. For k >= 10 Stirling's series
 * log k! = k log k - k + log(2 pi k) / 2 + 1/(12k) - 1/(360k^3) + 1/(1260k^5) (error < 1e-12 there)
 * is combined with -lambda + k log lambda as (k - lambda) - k log1p((k - lambda) / lambda), so
 * the two O(lambda) terms never cancel numerically.
 */
function poissonLogPmf(k: number, lambda: number): number {
  if (k < 10) return -lambda + k * Math.log(lambda) - LOG_FACTORIAL_SMALL[k];
  const d = k - lambda;
  const k2 = k * k;
  const series = (1 / 12 - (1 / 360 - 1 / (1260 * k2)) / k2) / k;
  return d - k * Math.log1p(d / lambda) - 0.5 * Math.log(2 * Math.PI * k) - series;
}
