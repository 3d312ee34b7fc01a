import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVITY_NEURON_ORDER,
  celegansActivitySource,
  loadActivityTable,
  wormRecordings,
} from "../../src/connectome/index.js";
import { DataIntegrityError, parquetInfo, readParquetTable } from "../../src/data/index.js";

// A minimal Parquet writer for tests only: one row group, one uncompressed PLAIN data page per
// column, Thrift-compact footer. Supports required columns of string (UTF8), int32, boolean,
// float (32-bit), and required lists of floats (3-level LIST: repeated group "list" with a
// required float "element"), enough to write small files in the schema of the homogenized
// C. elegans activity dataset. Format reference: apache/parquet-format (parquet.thrift).

type ParquetColumn =
  | { name: string; type: "string"; values: string[] }
  | { name: string; type: "int32"; values: number[] }
  | { name: string; type: "boolean"; values: boolean[] }
  | { name: string; type: "float"; values: number[] }
  | { name: string; type: "float-list"; values: ArrayLike<number>[] };

// parquet.thrift enums
const TYPE = { BOOLEAN: 0, INT32: 1, FLOAT: 4, BYTE_ARRAY: 6 } as const;
const REP = { REQUIRED: 0, REPEATED: 2 } as const;
const CONVERTED = { UTF8: 0, LIST: 3 } as const;
const ENCODING = { PLAIN: 0, RLE: 3 } as const;

class Bytes {
  private chunks: number[] = [];
  byte(b: number) {
    this.chunks.push(b & 0xff);
  }
  bytes(b: ArrayLike<number>) {
    for (let i = 0; i < b.length; i++) this.chunks.push(b[i] & 0xff);
  }
  varint(v: number) {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.byte(b);
    } while (x > 0n);
  }
  u32le(v: number) {
    this.bytes([v, v >>> 8, v >>> 16, v >>> 24]);
  }
  get length() {
    return this.chunks.length;
  }
  toUint8Array() {
    return Uint8Array.from(this.chunks);
  }
}

// Thrift compact protocol: a struct is a list of [fieldId, value] with typed values.
type TValue =
  | { i32: number }
  | { i64: number }
  | { bin: string | Uint8Array }
  | { struct: TField[] }
  | { list: { elem: "i32" | "bin" | "struct"; items: TValue[] } };
type TField = [number, TValue];

function writeStruct(out: Bytes, fields: TField[]) {
  let last = 0;
  for (const [id, v] of fields) {
    const t = typeCode(v);
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.byte((delta << 4) | t);
    else {
      out.byte(t);
      out.varint(zigzag(id));
    }
    writeValue(out, v);
    last = id;
  }
  out.byte(0); // stop
}

function typeCode(v: TValue): number {
  if ("i32" in v) return 5;
  if ("i64" in v) return 6;
  if ("bin" in v) return 8;
  if ("list" in v) return 9;
  return 12;
}

function writeValue(out: Bytes, v: TValue) {
  if ("i32" in v || "i64" in v) out.varint(zigzag("i32" in v ? v.i32 : v.i64));
  else if ("bin" in v) {
    const b = typeof v.bin === "string" ? new TextEncoder().encode(v.bin) : v.bin;
    out.varint(b.length);
    out.bytes(b);
  } else if ("list" in v) {
    const code = v.list.elem === "i32" ? 5 : v.list.elem === "bin" ? 8 : 12;
    const n = v.list.items.length;
    if (n < 15) out.byte((n << 4) | code);
    else {
      out.byte(0xf0 | code);
      out.varint(n);
    }
    for (const item of v.list.items) writeValue(out, item);
  } else writeStruct(out, v.struct);
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** RLE run of `count` copies of a level (bit width 1), as the hybrid encoding's RLE run. */
function rleRun(out: Bytes, count: number, value: number) {
  out.varint(count << 1);
  out.byte(value);
}

function encodeColumn(col: ParquetColumn): {
  page: Uint8Array;
  numValues: number;
  physical: number;
} {
  const body = new Bytes();
  const f32 = new DataView(new ArrayBuffer(4));
  const float = (x: number) => {
    f32.setFloat32(0, x, true);
    body.bytes(new Uint8Array(f32.buffer));
  };
  switch (col.type) {
    case "string":
      for (const s of col.values) {
        const b = new TextEncoder().encode(s);
        body.u32le(b.length);
        body.bytes(b);
      }
      return { page: body.toUint8Array(), numValues: col.values.length, physical: TYPE.BYTE_ARRAY };
    case "int32":
      for (const v of col.values) body.u32le(v | 0);
      return { page: body.toUint8Array(), numValues: col.values.length, physical: TYPE.INT32 };
    case "boolean": {
      const bits = new Uint8Array(Math.ceil(col.values.length / 8));
      col.values.forEach((b, i) => {
        if (b) bits[i >> 3] |= 1 << (i & 7);
      });
      body.bytes(bits);
      return { page: body.toUint8Array(), numValues: col.values.length, physical: TYPE.BOOLEAN };
    }
    case "float":
      col.values.forEach(float);
      return { page: body.toUint8Array(), numValues: col.values.length, physical: TYPE.FLOAT };
    case "float-list": {
      // repetition levels, then definition levels, each with a 4-byte length prefix
      const rep = new Bytes();
      const def = new Bytes();
      let numValues = 0;
      for (const list of col.values) {
        if (list.length === 0) throw new Error("test writer: empty lists are not supported");
        rleRun(rep, 1, 0);
        if (list.length > 1) rleRun(rep, list.length - 1, 1);
        numValues += list.length;
      }
      rleRun(def, numValues, 1);
      body.u32le(rep.length);
      body.bytes(rep.toUint8Array());
      body.u32le(def.length);
      body.bytes(def.toUint8Array());
      for (const list of col.values) for (let i = 0; i < list.length; i++) float(list[i]);
      return { page: body.toUint8Array(), numValues, physical: TYPE.FLOAT };
    }
  }
}

/** Writes the columns (equal row counts) as a Parquet file. */
function writeParquet(columns: ParquetColumn[]): Uint8Array {
  const numRows = columns[0].values.length;
  if (columns.some((c) => c.values.length !== numRows))
    throw new Error("test writer: columns differ in length");
  const file = new Bytes();
  file.bytes(new TextEncoder().encode("PAR1"));
  const chunks: TField[][] = [];
  for (const col of columns) {
    const { page, numValues, physical } = encodeColumn(col);
    const header = new Bytes();
    writeStruct(header, [
      [1, { i32: 0 }], // DATA_PAGE
      [2, { i32: page.length }],
      [3, { i32: page.length }],
      [
        5,
        {
          struct: [
            [1, { i32: numValues }],
            [2, { i32: ENCODING.PLAIN }],
            [3, { i32: ENCODING.RLE }],
            [4, { i32: ENCODING.RLE }],
          ],
        },
      ],
    ]);
    const offset = file.length;
    file.bytes(header.toUint8Array());
    file.bytes(page);
    const size = header.length + page.length;
    const path = col.type === "float-list" ? [col.name, "list", "element"] : [col.name];
    chunks.push([
      [2, { i64: offset }],
      [
        3,
        {
          struct: [
            [1, { i32: physical }],
            [2, { list: { elem: "i32", items: [{ i32: ENCODING.PLAIN }, { i32: ENCODING.RLE }] } }],
            [3, { list: { elem: "bin", items: path.map((p) => ({ bin: p })) } }],
            [4, { i32: 0 }], // UNCOMPRESSED
            [5, { i64: numValues }],
            [6, { i64: size }],
            [7, { i64: size }],
            [9, { i64: offset }],
          ],
        },
      ],
    ]);
  }
  const schema: TValue[] = [
    {
      struct: [
        [4, { bin: "schema" }],
        [5, { i32: columns.length }],
      ],
    },
  ];
  for (const col of columns) {
    if (col.type === "float-list") {
      schema.push({
        struct: [
          [3, { i32: REP.REQUIRED }],
          [4, { bin: col.name }],
          [5, { i32: 1 }],
          [6, { i32: CONVERTED.LIST }],
        ],
      });
      schema.push({
        struct: [
          [3, { i32: REP.REPEATED }],
          [4, { bin: "list" }],
          [5, { i32: 1 }],
        ],
      });
      schema.push({
        struct: [
          [1, { i32: TYPE.FLOAT }],
          [3, { i32: REP.REQUIRED }],
          [4, { bin: "element" }],
        ],
      });
    } else {
      const physical = {
        string: TYPE.BYTE_ARRAY,
        int32: TYPE.INT32,
        boolean: TYPE.BOOLEAN,
        float: TYPE.FLOAT,
      }[col.type];
      const fields: TField[] = [
        [1, { i32: physical }],
        [3, { i32: REP.REQUIRED }],
        [4, { bin: col.name }],
      ];
      if (col.type === "string") fields.push([6, { i32: CONVERTED.UTF8 }]);
      schema.push({ struct: fields });
    }
  }
  const footer = new Bytes();
  writeStruct(footer, [
    [1, { i32: 1 }],
    [2, { list: { elem: "struct", items: schema } }],
    [3, { i64: numRows }],
    [
      4,
      {
        list: {
          elem: "struct",
          items: [
            {
              struct: [
                [1, { list: { elem: "struct", items: chunks.map((c) => ({ struct: c })) } }],
                [2, { i64: file.length }],
                [3, { i64: numRows }],
              ],
            },
          ],
        },
      },
    ],
  ]);
  file.bytes(footer.toUint8Array());
  file.u32le(footer.length);
  file.bytes(new TextEncoder().encode("PAR1"));
  return file.toUint8Array();
}

// ---- a small file in the schema of worm_data_short.parquet ----

const AVAL = ACTIVITY_NEURON_ORDER.indexOf("AVAL");
const RIML = ACTIVITY_NEURON_ORDER.indexOf("RIML");
const DA1 = ACTIVITY_NEURON_ORDER.indexOf("DA1");

/** Rows: Kato2015 worm0 (AVAL, RIML, one unlabelled), Kato2015 worm1 (DA1), Flavell2023 worm0 (AVAL). */
function activityRows() {
  const ramp = (n: number, a: number) => Array.from({ length: n }, (_, t) => a + 0.25 * t);
  const time = (n: number) => Array.from({ length: n }, (_, t) => Math.fround(t * 0.333));
  const rows = [
    {
      source_dataset: "Kato2015",
      worm: "worm0",
      neuron: "AVAL",
      slot: AVAL,
      labeled: true,
      trace: ramp(5, 1),
    },
    {
      source_dataset: "Kato2015",
      worm: "worm0",
      neuron: "RIML",
      slot: RIML,
      labeled: true,
      trace: ramp(5, -1),
    },
    {
      source_dataset: "Kato2015",
      worm: "worm0",
      neuron: "12",
      slot: 0,
      labeled: false,
      trace: ramp(5, 9),
    },
    {
      source_dataset: "Kato2015",
      worm: "worm1",
      neuron: "DA1",
      slot: DA1,
      labeled: true,
      trace: ramp(3, 2),
    },
    {
      source_dataset: "Flavell2023",
      worm: "worm0",
      neuron: "AVAL",
      slot: AVAL,
      labeled: true,
      trace: ramp(4, 5),
    },
  ];
  return writeParquet([
    { name: "source_dataset", type: "string", values: rows.map((r) => r.source_dataset) },
    { name: "raw_data_file", type: "string", values: rows.map(() => "raw.mat") },
    { name: "worm", type: "string", values: rows.map((r) => r.worm) },
    { name: "neuron", type: "string", values: rows.map((r) => r.neuron) },
    { name: "slot", type: "int32", values: rows.map((r) => r.slot) },
    { name: "is_labeled_neuron", type: "boolean", values: rows.map((r) => r.labeled) },
    { name: "is_unlabeled_neuron", type: "boolean", values: rows.map((r) => !r.labeled) },
    { name: "calcium_data", type: "float-list", values: rows.map((r) => r.trace) },
    {
      name: "smooth_calcium_data",
      type: "float-list",
      values: rows.map((r) => r.trace.map((v) => v / 2)),
    },
    { name: "time_in_seconds", type: "float-list", values: rows.map((r) => time(r.trace.length)) },
    { name: "median_dt", type: "float", values: rows.map(() => 0.333) },
    { name: "max_timesteps", type: "int32", values: rows.map((r) => r.trace.length) },
  ]);
}

let dir = "";
let file = "";
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "neurolab-activity-"));
  file = path.join(dir, "worm_data_short.parquet");
  await fs.writeFile(file, activityRows());
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("readParquetTable", () => {
  it("reads columns, rows and list columns into an arquero table", async () => {
    const info = await parquetInfo(file);
    expect(info.numRows).toBe(5);
    expect(info.columns).toContain("calcium_data");
    const t = await readParquetTable(file, {
      columns: ["worm", "slot", "calcium_data"],
      rowStart: 3,
    });
    expect(t.columnNames()).toEqual(["worm", "slot", "calcium_data"]);
    expect(t.numRows()).toBe(2);
    expect(Array.from(t.array("slot") as ArrayLike<number>)).toEqual([DA1, AVAL]);
    expect(Array.from((t.array("calcium_data") as ArrayLike<ArrayLike<number>>)[0])).toEqual([
      2, 2.25, 2.5,
    ]);
    const all = await readParquetTable(await fs.readFile(file));
    expect(all.numCols()).toBe(12);
  });
});

describe("activity dataset loader", () => {
  it("uses the 300-neuron order of the master sheet (slot = rank of the name)", () => {
    expect(ACTIVITY_NEURON_ORDER).toHaveLength(300);
    expect([...ACTIVITY_NEURON_ORDER].sort()).toEqual(ACTIVITY_NEURON_ORDER);
    expect(ACTIVITY_NEURON_ORDER).not.toContain("CANL");
    expect(ACTIVITY_NEURON_ORDER[0]).toBe("ADAL");
  });

  it("builds per-worm matrices in the dataset's neuron order, NaN where not recorded", async () => {
    const table = await loadActivityTable(file);
    expect(table.numRows()).toBe(5);
    const worms = wormRecordings(table);
    expect(worms.map((w) => `${w.dataset}/${w.worm}/${w.steps}`)).toEqual([
      "Kato2015/worm0/5",
      "Kato2015/worm1/3",
      "Flavell2023/worm0/4",
    ]);
    const [w0, w1, f0] = worms;
    expect(w0.data).toHaveLength(5 * 300);
    expect(w0.data[2 * 300 + AVAL]).toBe(1.5);
    expect(w0.data[4 * 300 + RIML]).toBe(0);
    expect(Number.isNaN(w0.data[0])).toBe(true); // the unlabelled row is not placed at slot 0
    expect(Array.from(w0.recorded).reduce((a, b) => a + b, 0)).toBe(2);
    expect(w0.time_s[1]).toBeCloseTo(0.333, 6);
    expect(w1.recorded[DA1]).toBe(1);
    expect(f0.data[3 * 300 + AVAL]).toBe(5.75);
    const smooth = wormRecordings(
      await loadActivityTable(file, {
        columns: [
          "source_dataset",
          "worm",
          "neuron",
          "slot",
          "is_labeled_neuron",
          "smooth_calcium_data",
        ],
      }),
      {
        signal: "smooth_calcium_data",
      },
    );
    expect(smooth[0].data[2 * 300 + AVAL]).toBe(0.75);
    expect(smooth[0].time_s[2]).toBeCloseTo(2 * 0.333, 12);
  });

  it("rejects a slot that disagrees with the neuron name", async () => {
    const table = await loadActivityTable(file);
    const bad = (table as unknown as { derive: (x: object) => typeof table }).derive({
      slot: "d => d.slot + 1",
    });
    expect(() => wormRecordings(bad)).toThrow(/slot \d+ of Kato2015 worm0 AVAL is .* not AVAL/);
  });

  it("loads from a pinned source through the cache/mirror machinery, verifying the hash", async () => {
    const bytes = await fs.readFile(file);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const mirror = path.join(dir, "mirror");
    await fs.mkdir(path.join(mirror, "celegans"), { recursive: true });
    await fs.copyFile(file, path.join(mirror, "celegans", "worm_data_short.parquet"));
    const source = celegansActivitySource({ revision: "0".repeat(40), sha256 });
    expect(source.url).toBe(
      `https://huggingface.co/datasets/qsimeon/celegans_neural_data/resolve/${"0".repeat(40)}/worm_data_short.parquet`,
    );
    const location = { mirrorDir: mirror, offline: true, cacheDir: path.join(dir, "cache") };
    expect((await loadActivityTable(source, { location })).numRows()).toBe(5);
    const wrong = celegansActivitySource({ revision: "0".repeat(40), sha256: "f".repeat(64) });
    await expect(loadActivityTable(wrong, { location })).rejects.toBeInstanceOf(DataIntegrityError);
    expect(() => celegansActivitySource({ revision: "main", sha256 })).toThrow(/revision/);
  });
});
