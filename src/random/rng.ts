/**
 * Seedable pseudo-random numbers with a documented algorithm, so that the same seed gives
 * bitwise-identical results on every platform.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, 2018) on four 32-bit words, seeded by
 * running SplitMix32 (the 32-bit variant of SplitMix64's mixing, Math.imul based) from the
 * 32-bit seed. Doubles use 53 random bits from two outputs: `(a >>> 5) * 2^26 + (b >>> 6)`
 * divided by 2^53. Normals use the Box-Muller transform (both variates used in turn).
 * All arithmetic is 32-bit integer or IEEE-754 double, identical on every JavaScript engine;
 * `Math.log`, `Math.cos` and `Math.sqrt` are V8's fdlibm ports, identical across platforms.
 */
import { checkInteger, checkNonNegative, checkProbability } from "../core/checks.js";

/** A seedable generator. All state is in the instance; copies are independent via {@link Rng.fork}. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

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
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal variate (mean 0, sd 1). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
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

  /** Poisson variate with mean `lambda` (Knuth for small means, normal-free PTRS is not needed here). */
  poisson(lambda: number): number {
    checkNonNegative(lambda, "lambda");
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const l = Math.exp(-lambda);
      let k = 0;
      let prod = this.uniform();
      while (prod > l) {
        k++;
        prod *= this.uniform();
      }
      return k;
    }
    // Split large means into a sum of independent Poisson(<30) draws: exact in distribution.
    let total = 0;
    let rest = lambda;
    while (rest > 0) {
      const part = Math.min(rest, 25);
      total += this.poisson(part);
      rest -= part;
    }
    return total;
  }

  /** An independent generator derived from this one's stream (advances this generator). */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
