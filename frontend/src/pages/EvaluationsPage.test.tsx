import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, renderRoute } from "../test/utils";
import { EvaluationsPage } from "./EvaluationsPage";

const SCORERS = ["answer_match", "format_approx", "format_exact", "gsm8k_reward"];

const evaluation = (id: string, name: string, mean: number) => ({
  id,
  name,
  model: "gemma",
  run_id: null,
  dataset_key: "arith-v1",
  split: "eval",
  scorers: SCORERS,
  item_count: 150,
  summary: Object.fromEntries(SCORERS.map((s) => [s, { n: 150, mean, ci_low: mean - 0.1, ci_high: mean + 0.1 }])),
  config: {},
  created_at: "2025-01-02T10:00:00Z",
});

describe("EvaluationsPage", () => {
  it("shows every scorer's mean, the key scorer first", async () => {
    mockApi({ "GET /api/evaluations": () => ({ items: [evaluation("a", "after", 0.9), evaluation("b", "before", 0.2)] }) });
    renderRoute(<EvaluationsPage />, { path: "/evaluations" });
    await screen.findByRole("link", { name: "after" });
    const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
    const shown = headers.filter((h) => SCORERS.includes(h ?? ""));
    expect(shown).toEqual(["answer_match", "format_approx", "format_exact", "gsm8k_reward"]);
  });
});
