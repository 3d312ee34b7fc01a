import { describe, expect, it } from "vitest";
import { rsa } from "../../src/index.js";

describe("rsa.calcRdm on plain arrays", () => {
  it("reads number[][] as one condition per row: squared euclidean distance / channels, as rsatoolbox", () => {
    const patterns = [
      [1, 2, 3],
      [2, 2, 2],
      [0, 1, 5],
    ];
    const rdm = rsa.calcRdm(patterns);
    expect(rdm.nConditions).toBe(3);
    const expected: number[] = [];
    for (let i = 0; i < 3; i++)
      for (let j = i + 1; j < 3; j++)
        expected.push(patterns[i].reduce((s, x, c) => s + (x - patterns[j][c]) ** 2, 0) / 3);
    expect(Array.from(rdm.dissimilarities)).toEqual(expected);
    // the same as going through makeDataset explicitly
    expect(
      Array.from(rsa.calcRdm(rsa.makeDataset(patterns), { method: "correlation" }).dissimilarities),
    ).toEqual(Array.from(rsa.calcRdm(patterns, { method: "correlation" }).dissimilarities));
  });
});
