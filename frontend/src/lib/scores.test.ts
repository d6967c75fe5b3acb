import { describe, expect, it } from "vitest";
import { score } from "../test/utils";
import { latestByName, scoreDeltas } from "./scores";

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
