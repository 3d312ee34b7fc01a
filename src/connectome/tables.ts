/** Connectomes as arquero tables: one row per cell, one row per connection. */
import { makeTable, type Table } from "../data/tables.js";
import { checkConnectome, type Connectome } from "./connectome.js";

/**
 * Edge table: columns `pre`, `post`, `type` ("chemical" | "electrical"), `synapses` (count),
 * `sign` (+1/-1 for chemical, 0 for electrical), `pre_kind`, `post_kind`, `pre_ganglion`,
 * `post_ganglion` (null when unknown, see `Cell.ganglion`). Chemical rows come
 * first in CSR order; each gap-junction pair appears once, with `pre` <= `post` by index.
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * const edges = connectome.edgeTable(await connectome.loadConnectome("cook2019")); // an arquero table
 * edges.numRows();
 * ```
 */
export function edgeTable(c: Connectome): Table {
  checkConnectome(c);
  const pre: string[] = [];
  const post: string[] = [];
  const type: string[] = [];
  const synapses: number[] = [];
  const sign: number[] = [];
  const preKind: string[] = [];
  const postKind: string[] = [];
  const preGanglion: (string | null)[] = [];
  const postGanglion: (string | null)[] = [];
  const push = (i: number, j: number, t: string, w: number, s: number) => {
    pre.push(c.cells[i].name);
    post.push(c.cells[j].name);
    type.push(t);
    synapses.push(w);
    sign.push(s);
    preKind.push(c.cells[i].kind);
    postKind.push(c.cells[j].kind);
    preGanglion.push(c.cells[i].ganglion);
    postGanglion.push(c.cells[j].ganglion);
  };
  const { chemical: m, electrical: e } = c;
  for (let i = 0; i < m.nPre; i++)
    for (let k = m.rowPtr[i]; k < m.rowPtr[i + 1]; k++)
      push(i, m.colIdx[k], "chemical", m.weight[k], c.chemicalSign[k]);
  for (let i = 0; i < e.nPre; i++)
    for (let k = e.rowPtr[i]; k < e.rowPtr[i + 1]; k++)
      if (e.colIdx[k] >= i) push(i, e.colIdx[k], "electrical", e.weight[k], 0);
  return makeTable({
    pre,
    post,
    type,
    synapses,
    sign,
    pre_kind: preKind,
    post_kind: postKind,
    pre_ganglion: preGanglion,
    post_ganglion: postGanglion,
  });
}

/**
 * Cell table: columns `index`, `name`, `kind`, `class`, `type` (null when unknown),
 * `neurotransmitter` (primary, null when unknown), `ganglion` (null when unknown), `x`, `y`, `z`
 * (null without position).
 *
 * @example
 * ```ts
 * import { connectome } from "neurolab";
 * connectome.cellTable(await connectome.loadConnectome("cook2019")).columnNames();
 * ```
 */
export function cellTable(c: Connectome): Table {
  checkConnectome(c);
  return makeTable({
    index: c.cells.map((_, i) => i),
    name: c.cells.map((cell) => cell.name),
    kind: c.cells.map((cell) => cell.kind),
    class: c.cells.map((cell) => cell.cellClass),
    type: c.cells.map((cell) => cell.type),
    neurotransmitter: c.cells.map((cell) => cell.neurotransmitters[0] ?? null),
    ganglion: c.cells.map((cell) => cell.ganglion),
    x: c.cells.map((cell) => cell.position?.[0] ?? null),
    y: c.cells.map((cell) => cell.position?.[1] ?? null),
    z: c.cells.map((cell) => cell.position?.[2] ?? null),
  });
}
