/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF or LF rows) for the pinned
 * data files; delimiter configurable. Returns rows of strings, untrimmed.
 */

/**
 * Parses delimited text into rows of fields. Empty trailing lines are dropped; an unterminated quote is a SyntaxError.
 *
 * @example
 * ```ts
 * import { data } from "neurolab";
 * data.parseDelimited('a,b\n1,"x, y"\n'); // [["a", "b"], ["1", "x, y"]]
 * ```
 */
export function parseDelimited(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      row.push(field);
      field = "";
      i++;
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new SyntaxError(`unterminated quoted field in row ${rows.length + 1} at the end of the text (truncated file?)`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}
