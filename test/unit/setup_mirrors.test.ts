import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dataMirrorList, PEER_DATA_MIRROR, SHARED_DATA } from "../../kernel/scripts/setup.mjs";

describe("npm start: data mirror list", () => {
  it("keeps the directories already listed first, then adds the shared data and the peers' mirror when they exist", () => {
    const existing = [SHARED_DATA, PEER_DATA_MIRROR].filter((d: string) => fs.existsSync(d));
    const listed = ["/somewhere/else", "/another"].join(path.delimiter);
    const list = dataMirrorList({ NEUROLAB_DATA_MIRROR: listed }).split(path.delimiter);
    expect(list).toEqual(["/somewhere/else", "/another", ...existing]);
    expect(dataMirrorList({})).toBe(existing.join(path.delimiter));
  });

  it("lists no directory twice", () => {
    const list = dataMirrorList({
      NEUROLAB_DATA_MIRROR: [SHARED_DATA, PEER_DATA_MIRROR, SHARED_DATA].join(path.delimiter),
    });
    expect(list.split(path.delimiter)).toEqual([SHARED_DATA, PEER_DATA_MIRROR]);
  });
});
