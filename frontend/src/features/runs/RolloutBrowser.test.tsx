import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ROLLOUT_STEPS, rolloutStep, SCORERS } from "../../test/rollouts";
import { mockApi, renderRoute } from "../../test/utils";
import { RolloutBrowser } from "./RolloutBrowser";

const RUN_ID = "0190e7a1-0000-7000-8000-0000000000g1";

describe("RolloutBrowser", () => {
  it("opens the newest step and shows each group's completions side by side", async () => {
    const api = mockApi({
      "GET /api/runs/:id/rollouts": () => ROLLOUT_STEPS,
      "GET /api/runs/:id/rollouts/:step": (r) => rolloutStep(Number(r.path.split("/").pop())),
      "GET /api/scorers": () => SCORERS,
    });
    renderRoute(<RolloutBrowser runId={RUN_ID} live={false} />, { path: `/runs/${RUN_ID}`, pattern: "/runs/:id" });

    const picker = await screen.findByLabelText("Step");
    expect(picker).toHaveValue("20");
    expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "step 20 · mean reward 2.25",
      "step 10 · mean reward 0.5",
    ]);
    const group = await screen.findByRole("region", { name: "Group 0" });
    expect(group).toHaveTextContent("A farmer has 76 sheep");
    expect(group).toHaveTextContent("Reference answer 38");
    // What a reward is made of, and of how much: the weights and the range they give.
    expect(await screen.findByText("2 × answer_match + 1 × format_exact")).toBeInTheDocument();
    expect(screen.getByText(/from 0 to 3/)).toBeInTheDocument();
    // The group's mean reward, against which its completions' advantages are measured.
    expect(group).toHaveTextContent("group mean reward 2 of 3");

    const right = within(group).getByRole("article", { name: "Completion 0" });
    expect(within(right).getByLabelText("Response")).toHaveTextContent("So the answer is 38.");
    expect(right).toHaveTextContent("✓ matches");
    expect(right.querySelector(".advantage-positive")).toHaveTextContent("+0.87");
    expect(right).toHaveTextContent("reward 3 of 3");
    expect(right.querySelector(".reward-value .score-4")).toBeInTheDocument();
    expect(within(right).getByRole("list", { name: "Scores" })).toHaveTextContent("answer_match 1");
    expect(within(right).getByRole("link", { name: "Open the trace of completion 0" })).toHaveAttribute(
      "href",
      "/traces/0190e7a1-0000-7000-8000-00000000c038",
    );
    const wrong = within(group).getByRole("article", { name: "Completion 1" });
    expect(wrong.querySelector(".advantage-negative")).toHaveTextContent("−0.87");
    expect(wrong).toHaveTextContent("✗ differs");
    // Score colours follow the scorer's range: 0 of 0–1 is the worst fifth, 1 the best.
    expect(wrong.querySelector(".score-chip.score-0")).toHaveTextContent("answer_match 0");
    expect(right.querySelector(".score-chip.score-4")).toHaveTextContent("answer_match 1");

    // A group whose completions all earned the same reward teaches GRPO nothing: it says so.
    expect(screen.getByRole("region", { name: "Group 1" })).toHaveTextContent("no learning signal");
    expect(group).not.toHaveTextContent("no learning signal");
    expect(api.calls.map((c) => c.path)).toContain(`/api/runs/${RUN_ID}/rollouts/20`);
  });

  it("switches steps from the picker and keeps the choice in the URL", async () => {
    const api = mockApi({
      "GET /api/runs/:id/rollouts": () => ROLLOUT_STEPS,
      "GET /api/runs/:id/rollouts/:step": (r) => rolloutStep(Number(r.path.split("/").pop())),
      "GET /api/scorers": () => SCORERS,
    });
    renderRoute(<RolloutBrowser runId={RUN_ID} live={false} />, { path: `/runs/${RUN_ID}`, pattern: "/runs/:id" });
    await screen.findByRole("region", { name: "Group 0" });
    expect(screen.getByRole("button", { name: "Newer" })).toBeDisabled();
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByTestId("location")).toHaveTextContent(`/runs/${RUN_ID}?step=10`);
    expect(screen.getByLabelText("Step")).toHaveValue("10");
    await waitFor(() => expect(document.querySelector(".rollout-step-facts")).toHaveTextContent("mean reward 0.5 of 3"));
    expect(api.calls.map((c) => c.path)).toContain(`/api/runs/${RUN_ID}/rollouts/10`);
    fireEvent.change(screen.getByLabelText("Step"), { target: { value: "20" } });
    expect(screen.getByTestId("location")).toHaveTextContent("?step=20");
  });

  it("says when a run has recorded no rollouts", async () => {
    mockApi({ "GET /api/runs/:id/rollouts": () => ({ steps: [] }) });
    renderRoute(<RolloutBrowser runId={RUN_ID} live={false} />);
    expect(await screen.findByText("This run recorded no rollouts")).toBeInTheDocument();
  });
});
