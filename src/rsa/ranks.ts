/** Ranks with scipy's `rankdata` tie rules; NaN entries stay NaN and are not ranked (`nan_policy='omit'`). */
import { checkArrayLike } from "../core/validate.js";
import { describeValue } from "../core/describe.js";

/** Tie rules of {@link rankdata}. */
export type RankMethod = "average" | "min" | "max" | "dense" | "ordinal";

/**
 * 1-based ranks of `x` (ties by `method`, default "average"); NaN stays NaN; +Infinity ranks last.
 *
 * @example
 * ```ts
 * import { rsa } from "neurolab";
 * rsa.rankdata([10, 20, 20, 5]); // [2, 3.5, 3.5, 1] (ties averaged, as scipy)
 * ```
 */
export function rankdata(x: ArrayLike<number>, method: RankMethod = "average"): Float64Array {
  checkArrayLike(x, "x");
  const out = new Float64Array(x.length).fill(NaN);
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) idx.push(i);
  idx.sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
  let dense = 0;
  for (let start = 0; start < idx.length;) {
    let end = start + 1;
    while (end < idx.length && x[idx[end]] === x[idx[start]]) end++;
    dense++;
    for (let k = start; k < end; k++) {
      let r: number;
      switch (method) {
        case "average":
          r = (start + 1 + end) / 2;
          break;
        case "min":
          r = start + 1;
          break;
        case "max":
          r = end;
          break;
        case "dense":
          r = dense;
          break;
        case "ordinal":
          r = k + 1;
          break;
        default:
          throw new RangeError(
            `method must be "average", "min", "max", "dense" or "ordinal", got ${describeValue(method)}`,
          );
      }
      out[idx[k]] = r;
    }
    start = end;
  }
  return out;
}
