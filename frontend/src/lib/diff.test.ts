import { describe, expect, it } from "vitest";
import { alignSteps, diffWords } from "./diff";

const step = (content: string) => ({ type: "reasoning", content });

describe("diffWords", () => {
  it("marks only the changed words", () => {
    expect(diffWords("She makes $18 a day", "She makes $19 a day")).toEqual([
      { kind: "same", text: "She makes " },
      { kind: "removed", text: "$18" },
      { kind: "added", text: "$19" },
      { kind: "same", text: " a day" },
    ]);
  });

  it("returns one unchanged part for equal texts and nothing for two empty ones", () => {
    expect(diffWords("18", "18")).toEqual([{ kind: "same", text: "18" }]);
    expect(diffWords("", "")).toEqual([]);
  });

  it("keeps every character of both sides", () => {
    const parts = diffWords("a b c d", "a x c d e");
    const base = parts.filter((p) => p.kind !== "added").map((p) => p.text).join("");
    const other = parts.filter((p) => p.kind !== "removed").map((p) => p.text).join("");
    expect(base).toBe("a b c d");
    expect(other).toBe("a x c d e");
  });
});

describe("alignSteps", () => {
  it("lines up equal steps and pairs a replaced one as changed", () => {
    const rows = alignSteps(
      [step("3 - 1 = 2"), step("2 * 4 = 8"), step("Answer 8")],
      [step("3 - 1 = 2"), step("2 * 5 = 10"), step("Answer 8")],
    );
    expect(rows.map((r) => r.status)).toEqual(["same", "changed", "same"]);
    expect(rows[1]!.baseIndex).toBe(1);
    expect(rows[1]!.otherIndex).toBe(1);
  });

  it("reports steps only one side has", () => {
    const rows = alignSteps([step("a"), step("b")], [step("a"), step("b"), step("c")]);
    expect(rows.map((r) => r.status)).toEqual(["same", "same", "added"]);
    expect(alignSteps([step("a"), step("b")], [step("b")]).map((r) => r.status)).toEqual([
      "removed",
      "same",
    ]);
  });

  it("ignores whitespace differences when matching", () => {
    expect(alignSteps([step("x  = 1 ")], [step("x = 1")])[0]!.status).toBe("same");
  });
});
