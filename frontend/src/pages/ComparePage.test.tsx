import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockApi, renderRoute, score, TRACE_A } from "../test/utils";
import { ComparePage } from "./ComparePage";

const OTHER = {
  ...TRACE_A,
  id: "0190e7a1-0000-7000-8000-00000000bbbb",
  source: "eval",
  steps: [
    { type: "reasoning", content: "Janet starts with 3 apples." },
    { type: "reasoning", content: "3 + 3 = 6" },
  ],
  final_answer: "6",
  scores: [score({ name: "answer_match", value: 0 })],
};
const BASE = { ...TRACE_A, scores: [score({ name: "answer_match", value: 1 })] };

describe("ComparePage", () => {
  it("highlights differing steps and answers and shows score deltas", async () => {
    const { calls } = mockApi({ "GET /api/traces/compare": () => ({ base: BASE, other: OTHER }) });
    renderRoute(<ComparePage />, { path: `/compare?base=${BASE.id}&other=${OTHER.id}` });

    const answer = await screen.findByRole("region", { name: "Final answer" });
    expect(answer).toHaveTextContent("differs");
    expect(answer.querySelector("del")).toHaveTextContent("5");
    expect(answer.querySelector("ins")).toHaveTextContent("6");
    expect(screen.getByRole("region", { name: "Prompt" })).toHaveTextContent("same on both sides");

    const steps = screen.getByRole("region", { name: "Reasoning steps" });
    expect(steps).toHaveTextContent("1 of 2 rows differ");
    expect(steps.querySelectorAll('[data-status="changed"]')).toHaveLength(1);

    const row = screen.getByRole("row", { name: /answer_match/ });
    expect(within(row).getByText("−1")).toHaveClass("delta-down");
    expect(calls[0]!.query.get("base")).toBe(BASE.id);
  });

  it("names the sides, says which answer is right apart from the diff colours, and goes back", async () => {
    mockApi({ "GET /api/traces/compare": () => ({ base: BASE, other: OTHER }) });
    const query = new URLSearchParams({
      base: BASE.id,
      other: OTHER.id,
      base_label: "sft (before)",
      other_label: "grpo (after)",
      back: "/evaluations/compare?before=b&after=a&tab=broken",
      back_label: "Back to the evaluation comparison",
    });
    renderRoute(<ComparePage />, { path: `/compare?${query.toString()}` });
    const answer = await screen.findByRole("region", { name: "Final answer" });
    expect(screen.getByText("sft (before)")).toBeInTheDocument();
    expect(screen.getByText("grpo (after)")).toBeInTheDocument();
    // Right and wrong come from each side's answer_match, not from the text diff.
    const verdicts = answer.querySelectorAll(".cmp-verdict");
    expect(verdicts[0]).toHaveTextContent("✓ right");
    expect(verdicts[1]).toHaveTextContent("✗ wrong");
    expect(screen.getByRole("link", { name: /Back to the evaluation comparison/ })).toHaveAttribute(
      "href",
      "/evaluations/compare?before=b&after=a&tab=broken",
    );

    await userEvent.click(screen.getByRole("button", { name: /Swap/ }));
    const swapped = new URLSearchParams(screen.getByTestId("location").textContent!.split("?")[1]);
    expect(swapped.get("base_label")).toBe("grpo (after)");
    expect(swapped.get("base")).toBe(OTHER.id);
  });

  it("goes back only to a page of this app", async () => {
    mockApi({ "GET /api/traces/compare": () => ({ base: BASE, other: OTHER }) });
    renderRoute(<ComparePage />, { path: `/compare?base=${BASE.id}&other=${OTHER.id}&back=//evil.example` });
    await screen.findByRole("region", { name: "Final answer" });
    expect(screen.queryByRole("link", { name: /Back/ })).not.toBeInTheDocument();
  });

  it("asks for two ids when they are missing, and checks them", async () => {
    mockApi({});
    renderRoute(<ComparePage />, { path: "/compare" });
    const form = screen.getByRole("form", { name: "Choose two traces" });
    await userEvent.type(within(form).getByLabelText("Base trace id"), "nope");
    await userEvent.click(within(form).getByRole("button", { name: "Compare" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Both fields need a full trace id");

    await userEvent.clear(within(form).getByLabelText("Base trace id"));
    await userEvent.type(within(form).getByLabelText("Base trace id"), BASE.id);
    await userEvent.type(within(form).getByLabelText("Other trace id"), OTHER.id);
    await userEvent.click(within(form).getByRole("button", { name: "Compare" }));
    expect(screen.getByTestId("location")).toHaveTextContent(`/compare?base=${BASE.id}&other=${OTHER.id}`);
  });
});
