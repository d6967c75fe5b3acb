import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorBody, mockApi, renderRoute, score, TRACE_A } from "../test/utils";
import { TracePage } from "./TracePage";

const SCORERS = [
  { name: "answer_match", version: "1", description: "1 if the final answer equals the reference.", min_value: 0, max_value: 1 },
  { name: "baseline", version: "1", description: "Structure.", min_value: 0, max_value: 100 },
];

function renderTrace(handlers: Parameters<typeof mockApi>[0]) {
  const api = mockApi({ "GET /api/scorers": () => SCORERS, ...handlers });
  const view = renderRoute(<TracePage />, { path: `/traces/${TRACE_A.id}`, pattern: "/traces/:id" });
  return { ...api, ...view };
}

describe("TracePage", () => {
  it("shows the prompt, the reasoning apart from the answers, and metadata", async () => {
    renderTrace({ "GET /api/traces/:id": () => TRACE_A });
    expect(await screen.findByRole("region", { name: "Prompt" })).toHaveTextContent("Janet has 3 apples");
    const steps = screen.getByRole("list", { name: "Reasoning steps" });
    expect(within(steps).getAllByRole("listitem")).toHaveLength(2);
    const answer = screen.getByRole("region", { name: "Answer" });
    expect(within(answer).getByText("Final answer")).toBeInTheDocument();
    expect(within(answer).getByText("Reference answer")).toBeInTheDocument();
    expect(screen.getByText("No scores yet. Run a scorer or add a human score.")).toBeInTheDocument();
    expect(screen.getByText("split")).toBeInTheDocument();
  });

  it("runs the chosen scorer and shows its result", async () => {
    let scores = [] as ReturnType<typeof score>[];
    const { calls } = renderTrace({
      "GET /api/traces/:id": () => ({ ...TRACE_A, scores }),
      "POST /api/traces/:id/scores": ({ body }) => {
        const created = score({ name: (body as { scorer: string }).scorer, value: 1 });
        scores = [created];
        return { status: 201, body: created };
      },
    });
    const form = await screen.findByRole("form", { name: "Run a scorer" });
    await waitFor(() => expect(within(form).getByLabelText("Scorer")).toBeEnabled());
    await userEvent.selectOptions(within(form).getByLabelText("Scorer"), "answer_match");
    await userEvent.click(within(form).getByRole("button", { name: "Run" }));

    await waitFor(() =>
      expect(calls.find((c) => c.method === "POST")?.body).toEqual({ scorer: "answer_match" }),
    );
    expect(await screen.findByText("matches reference")).toBeInTheDocument();
    expect(screen.getByRole("table")).toHaveTextContent("answer_match");
  });

  it("stores a human score", async () => {
    const { calls } = renderTrace({
      "GET /api/traces/:id": () => TRACE_A,
      "POST /api/traces/:id/scores": () => ({ status: 201, body: score({ name: "human", value: 0.5, source: "human" }) }),
    });
    const form = await screen.findByRole("form", { name: "Add a human score" });
    await userEvent.type(within(form).getByLabelText("Value"), "0.5");
    await userEvent.type(within(form).getByLabelText("Label (optional)"), "partly");
    await userEvent.click(within(form).getByRole("button", { name: "Add score" }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === "POST")?.body).toEqual({
        name: "human",
        value: 0.5,
        label: "partly",
        source: "human",
        details: {},
      }),
    );
  });

  it("deletes only after confirmation, then returns to the list", async () => {
    const { calls } = renderTrace({
      "GET /api/traces/:id": () => TRACE_A,
      "DELETE /api/traces/:id": () => ({ status: 204 }),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete this trace?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);

    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await userEvent.click(screen.getByRole("button", { name: "Delete trace" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent(/^\/traces$/));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });

  it("says when the trace does not exist", async () => {
    renderTrace({
      "GET /api/traces/:id": () => ({ status: 404, body: errorBody("not_found", "No trace with that id.") }),
    });
    expect(await screen.findByText("Trace not found")).toBeInTheDocument();
  });

  it("leads a rollout back to its run's step, names the run, and lays out the trainer's rewards", async () => {
    const runId = "0190e7a1-0000-7000-8000-0000000000g1";
    const source = "0190e7a1-0000-7000-8000-00000000bbbb";
    renderTrace({
      "GET /api/traces/:id": () => ({
        ...TRACE_A,
        source: "rollout",
        run_id: runId,
        metadata: { step: 15, group: 2, item_id: source, reward: 1, trainer_rewards: { format_exact: 1, answer_match: 0 } },
      }),
      "GET /api/runs/:id": () => ({ id: runId, name: "arith-grpo" }),
    });
    const back = await screen.findByRole("link", { name: /arith-grpo · rollouts of step 15/ });
    expect(back).toHaveAttribute("href", `/runs/${runId}?step=15#rollouts`);
    const details = screen.getByRole("region", { name: "Details" });
    expect(within(details).getByRole("link", { name: "arith-grpo" })).toHaveAttribute("href", `/runs/${runId}`);
    expect(within(details).getByRole("link", { name: source })).toHaveAttribute("href", `/traces/${source}`);
    expect(details).not.toHaveTextContent("{");
    expect(details.querySelector(".kv-nested")).toHaveTextContent("format_exact1answer_match0");
  });
});
