import { describe, expect, it } from "vitest";
import { score } from "../test/utils";
import { describeWeights, latestByName, scoreDeltas, scoreFraction, scoreStep, weightedRange } from "./scores";

describe("scores", () => {
  it("keeps the newest score per name", () => {
    const latest = latestByName([
      score({ name: "answer_match", value: 0, created_at: "2025-01-01T00:00:00Z" }),
      score({ name: "answer_match", value: 1, created_at: "2025-01-02T00:00:00Z" }),
    ]);
    expect(latest.get("answer_match")?.value).toBe(1);
  });

  it("computes other − base per scorer, and leaves one-sided scorers without a delta", () => {
    const deltas = scoreDeltas(
      [score({ name: "answer_match", value: 1 }), score({ name: "human", value: 1 })],
      [score({ name: "answer_match", value: 0 }), score({ name: "baseline", value: 0.5 })],
    );
    expect(deltas.map((d) => [d.name, d.delta])).toEqual([
      ["answer_match", -1],
      ["baseline", null],
      ["human", null],
    ]);
  });
});

describe("the score colour scale", () => {
  it("places a value in its scorer's range, whatever the range", () => {
    expect(scoreFraction(0.875, { min: 0, max: 1 })).toBe(0.875);
    expect(scoreFraction(75, { min: 0, max: 100 })).toBe(0.75);
    expect(scoreFraction(0, { min: -2, max: 2 })).toBe(0.5);
    expect(scoreFraction(3, { min: 0, max: 1 })).toBe(1);
    expect(scoreFraction(0.5, null)).toBeNull();
    expect(scoreFraction(null, { min: 0, max: 1 })).toBeNull();
    expect(scoreFraction(1, { min: 1, max: 1 })).toBeNull();
  });

  it("gives 0.875 and 0.031 different colours, and the ends their own", () => {
    expect(scoreStep(0.875)).toBe(4);
    expect(scoreStep(0.031)).toBe(0);
    expect(scoreStep(0.5)).toBe(2);
    expect(scoreStep(1)).toBe(4);
    expect(scoreStep(0)).toBe(0);
    expect(scoreStep(0.6)).toBe(3);
  });
});

describe("a weighted reward", () => {
  const ranges = new Map([
    ["format_exact", { min: 0, max: 1 }],
    ["answer_match", { min: 0, max: 1 }],
    ["format_approx", { min: -2, max: 2 }],
  ]);

  it("runs from the weighted worst to the weighted best", () => {
    expect(weightedRange({ format_exact: 1, answer_match: 1 }, ranges)).toEqual({ min: 0, max: 2 });
    expect(weightedRange({ answer_match: 2, format_approx: 0.5 }, ranges)).toEqual({ min: -1, max: 3 });
    expect(weightedRange({ answer_match: -1 }, ranges)).toEqual({ min: -1, max: 0 });
    expect(weightedRange({ unknown: 1 }, ranges)).toBeNull();
  });

  it("is described as its formula", () => {
    expect(describeWeights({ format_exact: 1, answer_match: 2 })).toBe("1 × format_exact + 2 × answer_match");
    expect(describeWeights({ answer_match: 1, format_approx: -0.5 })).toBe("1 × answer_match − 0.5 × format_approx");
  });
});
