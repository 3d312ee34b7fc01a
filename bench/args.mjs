// Argument parsing of `npm run bench -- <suite...> [--repeats N] [--only <text>]`, kept apart from
// the harness so it can be tested without running a benchmark.

/** The usage line printed with exit code 2 on bad arguments. */
export function benchUsage(suites) {
  return `usage: npm run bench -- <suite...> [--repeats N] [--only <text in case name>]   (suites: ${suites.join(", ")})`;
}

/**
 * Parses the bench arguments (in any order). `known` lists the suite names. Returns
 * `{ suites, repeats, only }` (repeats defaults to 5, only to undefined), or `{ error }` saying
 * what was wrong: no suite, an unknown suite or option, a missing or invalid value.
 */
export function parseBenchArgs(argv, known) {
  const suites = [];
  let repeats = 5;
  let only;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--repeats" || a === "--only") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) return { error: `${a} needs a value` };
      i++;
      if (a === "--repeats") {
        repeats = Number(value);
        if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000)
          return {
            error: `--repeats must be an integer in [1, 1000], got ${JSON.stringify(value)}`,
          };
      } else {
        if (value.trim() === "") return { error: "--only needs a non-empty text" };
        only = value;
      }
    } else if (a.startsWith("--")) return { error: `unknown option ${a}` };
    else if (!known.includes(a)) return { error: `unknown suite ${JSON.stringify(a)}` };
    else if (!suites.includes(a)) suites.push(a);
  }
  if (suites.length === 0) return { error: "no suite given" };
  return { suites, repeats, only };
}
