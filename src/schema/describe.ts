/**
 * One safe description of any value for error messages. Template interpolation and `String()` of
 * user values are unsafe in a message: a Symbol throws "Cannot convert a Symbol value to a
 * string" under `${}` and `+`, an object without a prototype (or whose `toString` throws)
 * throws "Cannot convert object to primitive value", `JSON.stringify` throws on BigInts and
 * cyclic objects. Any of these would replace the intended error with an engine error, so every
 * message that shows a received value goes through {@link describeValue}, which never throws
 * and never calls user code (no `toString`, no getters, Proxies are not trapped beyond `typeof`
 * and `Array.isArray`).
 */

/**
 * A value for an error message: strings quoted (long ones cut), numbers as written, BigInts with
 * `n`, short arrays of primitives and small plain records spelled out (`[1, "a"]`,
 * `{ rule: "x" }`), everything else by kind ("a Symbol", "a function", "an array of length 9",
 * "a Float64Array of length 3", "an object").
 */
export function describeValue(v: unknown): string {
  return describeAt(v, 0);
}

function describeAt(v: unknown, depth: number): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    case "number":
    case "boolean":
    case "undefined":
      return String(v);
    case "bigint":
      return depth === 0 ? `${v.toString()}n (a BigInt)` : `${v.toString()}n`;
    case "symbol":
      return "a Symbol";
    case "function":
      return "a function";
    default:
      break;
  }
  if (v === null) return "null";
  try {
    if (Array.isArray(v)) {
      if (
        depth === 0 &&
        v.length >= 1 &&
        v.length <= 8 &&
        v.every((x) => x === null || (typeof x !== "object" && typeof x !== "function"))
      ) {
        return `[${v.map((x) => describeAt(x, 1)).join(", ")}]`;
      }
      return `an array of length ${v.length}`;
    }
    if (ArrayBuffer.isView(v)) {
      const length = (v as unknown as { length?: unknown }).length;
      return typeof length === "number"
        ? `a ${Object.prototype.toString.call(v).slice(8, -1)} of length ${length}`
        : "a binary view";
    }
    if (depth === 0 && Object.getPrototypeOf(v) === Object.prototype) {
      // own data properties only: no getter (user code) is run
      const fields = Object.entries(Object.getOwnPropertyDescriptors(v));
      if (fields.length === 0) return "{}";
      if (
        fields.length <= 4 &&
        fields.every(
          ([, d]) =>
            "value" in d &&
            (d.value === null || (typeof d.value !== "object" && typeof d.value !== "function")),
        )
      ) {
        return `{ ${fields.map(([k, d]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${describeAt(d.value, 1)}`).join(", ")} }`;
      }
    }
  } catch {
    // a Proxy whose traps throw, a revoked Proxy: fall through to the generic description
  }
  return "an object";
}

/** A field name or label for a message: strings as they are, anything else described (a label passed by mistake must not break the message). */
export function describeName(name: unknown): string {
  return typeof name === "string" ? name : describeValue(name);
}
