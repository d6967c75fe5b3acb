import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { SCORERS } from "../test/rollouts";
import { mockApi, renderRoute } from "../test/utils";
import { EvaluationPage } from "./EvaluationPage";

const ID = "0190e7a1-0000-7000-8000-0000000000e1";
const EVALUATION = {
  id: ID,
  name: "arith after GRPO",
  model: "tiny",
  run_id: null,
  dataset_key: "arith-v1",
  split: "eval",
  scorers: ["answer_match", "format_exact"],
  item_count: 3,
  summary: {
    answer_match: { count: 3, mean: 0.3333, ci_low: 0, ci_high: 1 },
    format_exact: { count: 3, mean: 1, ci_low: 1, ci_high: 1 },
  },
  config: {},
  created_at: "2025-01-02T10:00:00Z",
};
const item = (n: number, right: boolean) => ({
  item_id: `q${n}`,
  trace_id: `0190e7a1-0000-7000-8000-00000000000${n}`,
  prompt_preview: `What is ${n} + ${n}?`,
  final_answer: right ? String(2 * n) : "7",
  reference_answer: String(2 * n),
  response: `<reasoning>${n} + ${n} = ${right ? 2 * n : 7}</reasoning><answer>${right ? 2 * n : 7}</answer>`,
  scores: { answer_match: right ? 1 : 0, format_exact: 1 },
});
const ITEMS = [item(1, true), item(2, false), item(3, false)];

describe("EvaluationPage", () => {
  it("filters the items to the wrong answers and shows what the model wrote", async () => {
    const api = mockApi({
      "GET /api/evaluations/:id": () => EVALUATION,
      "GET /api/scorers": () => SCORERS,
      "GET /api/evaluations/:id/items": (r) => {
        const wrong = r.query.get("scorer") === "answer_match" && r.query.get("max_value") === "0";
        const items = wrong ? ITEMS.filter((i) => i.scores.answer_match === 0) : ITEMS;
        return { items, matched: items.length, next_offset: null };
      },
    });
    renderRoute(<EvaluationPage />, { path: `/evaluations/${ID}`, pattern: "/evaluations/:id" });
    const table = await screen.findByRole("region", { name: "Items" });
    await within(table).findByText("q1");
    expect(api.calls.find((c) => c.path.endsWith("/items"))!.query.get("limit")).toBe("50");

    await userEvent.selectOptions(await within(table).findByLabelText("Show"), "Wrong answers (answer_match 0)");
    await waitFor(() => expect(within(table).queryByText("q1")).not.toBeInTheDocument());
    expect(within(table).getByText("q2")).toBeInTheDocument();
    expect(within(table).getByText(/Showing 2 of 2 \(wrong answers \(answer_match 0\); 3 items in all\)/)).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("show=answer_match%3Aworst");

    const row = within(table).getByText("q2").closest("tr")!;
    await userEvent.click(within(row).getByText(/^raw/));
    expect(within(row).getByLabelText("Response")).toHaveTextContent("2 + 2 = 7");
    expect(row.querySelector(".score-chip, .score-0")).toBeInTheDocument();
  });
});
