import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockApi, renderRoute } from "../test/utils";
import { EvaluationComparePage } from "./EvaluationComparePage";

const evaluation = (id: string, name: string) => ({
  id,
  name,
  model: "gemma",
  run_id: null,
  dataset_key: null,
  split: null,
  scorers: ["answer_match"],
  item_count: 2,
  summary: {},
  config: {},
  created_at: "2025-01-02T10:00:00Z",
});
const item = (id: string) => ({
  item_id: id,
  before_trace_id: "0190e7a1-0000-7000-8000-0000000000b1",
  after_trace_id: "0190e7a1-0000-7000-8000-0000000000a1",
  prompt_preview: `Question ${id}`,
  before_answer: "17",
  after_answer: "18",
  reference_answer: "18",
});

describe("EvaluationComparePage", () => {
  it("shows paired deltas with intervals, and the fixed and broken items", async () => {
    mockApi({
      "GET /api/evaluations/compare": () => ({
        before: evaluation("b", "base"),
        after: evaluation("a", "sft"),
        key_scorer: "answer_match",
        scorers: { answer_match: { n: 2, before_mean: 0.5, after_mean: 1, delta: 0.5, ci_low: 0.1, ci_high: 0.9 } },
        fixed_count: 1,
        broken_count: 1,
        fixed: [item("q1")],
        broken: [item("q2")],
      }),
    });
    renderRoute(<EvaluationComparePage />, { path: "/evaluations/compare?before=b&after=a" });
    const row = await screen.findByRole("row", { name: /answer_match/ });
    expect(row).toHaveTextContent("+0.5");
    expect(within(row).getByRole("img", { name: "0.5, 95% interval 0.1 to 0.9" })).toHaveClass("interval-up");

    const panel = screen.getByRole("tabpanel");
    expect(panel).toHaveTextContent("q1");
    // The side by side names its sides after the evaluations and comes back here.
    const href = within(panel).getByRole("link", { name: /Open item q1/ }).getAttribute("href")!;
    const opened = new URLSearchParams(href.split("?")[1]);
    expect(opened.get("base")).toBe("0190e7a1-0000-7000-8000-0000000000b1");
    expect(opened.get("other")).toBe("0190e7a1-0000-7000-8000-0000000000a1");
    expect(opened.get("base_label")).toBe("base (before)");
    expect(opened.get("other_label")).toBe("sft (after)");
    expect(opened.get("back")).toBe("/evaluations/compare?before=b&after=a");

    await userEvent.click(screen.getByRole("tab", { name: /Broken/ }));
    expect(screen.getByRole("tabpanel")).toHaveTextContent("q2");
    expect(screen.getByTestId("location")).toHaveTextContent("tab=broken");
    const back = screen.getByRole("link", { name: /Open item q2/ }).getAttribute("href")!;
    expect(new URLSearchParams(back.split("?")[1]).get("back")).toContain("tab=broken");
  });
});
