/** In-memory execution history answering history_request (tail, range, search). */

/** The content of a history_request. */
export interface HistoryRequest {
  output?: boolean;
  hist_access_type?: "tail" | "range" | "search";
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

interface Entry {
  line: number;
  input: string;
  output: string | null;
}

/** The session number of this kernel's history (like IPython, 0 also means "current"). */
const SESSION = 1;

/** Converts an IPython/sqlite GLOB (`*`, `?`) to an anchored regular expression. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\[\]]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** The inputs (and text/plain results) of the cells executed with store_history. */
export class History {
  private readonly entries: Entry[] = [];

  /** Records cell `line` (its execution count). */
  add(line: number, input: string, output: string | null): void {
    this.entries.push({ line, input, output });
  }

  /** The history_reply content for `req`. */
  reply(req: HistoryRequest): { status: "ok"; history: unknown[] } {
    let hits: Entry[] = [];
    switch (req.hist_access_type) {
      case "tail":
        hits = this.entries.slice(-(req.n ?? 10));
        break;
      case "range":
        if (!req.session || req.session === SESSION) {
          const start = req.start ?? 1;
          const stop = req.stop ?? Infinity;
          hits = this.entries.filter((e) => e.line >= start && e.line < stop);
        }
        break;
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        hits = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          hits = hits
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        if (req.n) hits = hits.slice(-req.n);
        break;
      }
    }
    const history = hits.map((e) => [SESSION, e.line, req.output ? [e.input, e.output] : e.input]);
    return { status: "ok", history };
  }
}
