import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ROLLOUT_STEPS, rolloutStep, SCORERS } from "../test/rollouts";
import { mockApi, renderRoute } from "../test/utils";
import { RunPage } from "./RunPage";

const RUN = {
  id: "0190e7a1-0000-7000-8000-0000000000r1",
  kind: "sft",
  name: "gemma-sft",
  status: "running",
  dataset_key: "gsm8k-sft-1",
  dataset_checksum: "abc",
  base_model: "google/gemma-3-1b-it",
  config: { training: { learning_rate: 0.0001 } },
  seed: 1,
  git_sha: null,
  artifacts: {},
  summary: {},
  error: null,
  created_at: "2025-01-02T10:00:00Z",
  started_at: "2025-01-02T10:00:00Z",
  finished_at: null,
  heartbeat_at: "2025-01-02T10:01:00Z",
  parent_run_id: null as string | null,
};

const GRPO = {
  ...RUN,
  id: "0190e7a1-0000-7000-8000-0000000000g1",
  kind: "grpo",
  name: "gemma-grpo",
  status: "succeeded",
  finished_at: "2025-01-02T11:00:00Z",
  parent_run_id: RUN.id,
  config: { training: { learning_rate: 0.0001 }, rewards: { answer_match: 1, format_exact: 1 } },
};

/** What the GRPO trainer reports at steps 0 and 10, with held-out scores at step 10. */
function grpoMetrics() {
  const at = (step: number, values: Record<string, number>) =>
    Object.entries(values).map(([name, value]) => ({ step, name, value, time: RUN.created_at }));
  const items = [
    ...at(0, { loss: 0.02, kl: 0, "reward/total": 1.1, "reward/answer_match": 0.3, "reward/format_exact": 0.5, "groups/no_signal": 0.5, "completion/mean_tokens": 180 }),
    ...at(10, { loss: 0.01, kl: 0.004, "reward/total": 2.4, "reward/answer_match": 0.7, "reward/format_exact": 1, "groups/no_signal": 0.25, "completion/mean_tokens": 150 }),
    ...at(0, { "eval/answer_match": 0.067, "eval/format_exact": 0.9 }),
    ...at(10, { "eval/answer_match": 0.06, "eval/format_exact": 0.9 }),
  ];
  return { names: [...new Set(items.map((i) => i.name))].sort(), items };
}

describe("RunPage", () => {
  it("draws one curve per metric, loss first, and links the dataset", async () => {
    mockApi({
      "GET /api/runs/:id": () => RUN,
      "GET /api/runs/:id/metrics": () => ({
        names: ["learning_rate", "loss"],
        items: [
          { step: 0, name: "learning_rate", value: 0.0001, time: RUN.created_at },
          { step: 0, name: "loss", value: 2.1, time: RUN.created_at },
          { step: 10, name: "loss", value: 1.2, time: RUN.created_at },
        ],
      }),
    });
    renderRoute(<RunPage />, { path: `/runs/${RUN.id}`, pattern: "/runs/:id" });
    const charts = await screen.findAllByRole("img", { name: /points/ });
    expect(charts.map((c) => c.querySelector("title")?.textContent)).toEqual([
      "loss: 2 points, from 2.1 at step 0 to 1.2 at step 10.",
      "learning_rate: 1 points, from 1.0e-4 at step 0 to 1.0e-4 at step 0.",
    ]);
    expect(screen.getByText("updating every few seconds")).toBeInTheDocument();
    for (const link of screen.getAllByRole("link", { name: /gsm8k-sft-1/ })) {
      expect(link).toHaveAttribute("href", "/datasets/gsm8k-sft-1");
    }
    expect(screen.getByRole("region", { name: "Config (resolved)" })).toHaveTextContent('"learning_rate": 0.0001');
  });

  it("says when a finished run recorded nothing, and shows why it failed", async () => {
    mockApi({
      "GET /api/runs/:id": () => ({ ...RUN, status: "failed", error: "CUDA out of memory", finished_at: "2025-01-02T10:05:00Z" }),
      "GET /api/runs/:id/metrics": () => ({ names: [], items: [] }),
    });
    renderRoute(<RunPage />, { path: `/runs/${RUN.id}`, pattern: "/runs/:id" });
    expect(await screen.findByText("This run recorded no metrics")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("CUDA out of memory");
  });

  it("shows a GRPO run's kind, the run it started from, rewards per scorer, held-out scores and rollouts", async () => {
    mockApi({
      "GET /api/runs/:id": (r) => (r.path.endsWith(GRPO.id) ? GRPO : RUN),
      "GET /api/runs/:id/metrics": () => grpoMetrics(),
      "GET /api/runs/:id/rollouts": () => ROLLOUT_STEPS,
      "GET /api/runs/:id/rollouts/:step": (r) => rolloutStep(Number(r.path.split("/").pop())),
      "GET /api/scorers": () => SCORERS,
    });
    renderRoute(<RunPage />, { path: `/runs/${GRPO.id}`, pattern: "/runs/:id" });
    expect(await screen.findByText("GRPO")).toBeInTheDocument();

    // Above everything: did it work? The reward and each held-out score, first to last.
    const outcome = await screen.findByRole("region", { name: "Did it work?" });
    await waitFor(() => expect(outcome).toHaveTextContent("Mean reward (training)1.1 → 2.4 ▲ +1.3 (better) step 0 → 10 · of 2"));
    expect(outcome).toHaveTextContent("Held-out answer_match0.067 → 0.06 ▼ −0.007 (worse) step 0 → 10 · of 1");
    expect(outcome).toHaveTextContent("Held-out format_exact0.9 → 0.9 ±0 (no change)");
    expect(within(outcome).getByRole("link", { name: "evaluations of its checkpoints" })).toHaveAttribute(
      "href",
      `/evaluations?run=${GRPO.id}`,
    );
    for (const link of await screen.findAllByRole("link", { name: "gemma-sft" })) {
      expect(link).toHaveAttribute("href", `/runs/${RUN.id}`);
    }
    expect(screen.getAllByText(/started from/).length).toBeGreaterThan(0);

    const rewards = await screen.findByRole("img", { name: /^rewards: / });
    const summary = rewards.querySelector("title")?.textContent ?? "";
    expect(summary).toContain("reward/total: 2 points, from 1.1 at step 0 to 2.4 at step 10");
    expect(summary).toContain("reward/answer_match: 2 points, from 0.3 at step 0 to 0.7 at step 10");
    expect(summary).toContain("reward/format_exact");
    for (const name of ["kl", "groups/no_signal", "completion/mean_tokens"]) {
      expect(screen.getByRole("img", { name: new RegExp(`^${name}: 2 points`) })).toBeInTheDocument();
    }
    expect(screen.getByText("KL divergence from the reference model")).toBeInTheDocument();

    // Held-out scores: a chart each, on the scorer's whole range (0 to 1), a dot per evaluation.
    const heldOut = screen.getByRole("region", { name: "Held-out evaluation" });
    const evalChart = within(heldOut).getByRole("img", { name: /^eval\/answer_match: / });
    expect(evalChart.querySelector("title")?.textContent).toBe("eval/answer_match: 2 points, from 0.067 at step 0 to 0.06 at step 10.");
    expect(evalChart.querySelectorAll("circle.chart-marker")).toHaveLength(2);
    const yTicks = [...evalChart.querySelectorAll("text.chart-tick")].map((t) => t.textContent);
    expect(yTicks).toContain("0");
    expect(yTicks).toContain("1");
    expect(within(heldOut).getByRole("img", { name: /^eval\/format_exact: / })).toBeInTheDocument();

    const rollouts = screen.getByRole("region", { name: "Rollouts" });
    expect(await within(rollouts).findByRole("region", { name: "Group 0" })).toHaveTextContent("A farmer has 76 sheep");
  });

  it("says so when ?step= has no rollouts, and shows the nearest step that has them", async () => {
    const api = mockApi({
      "GET /api/runs/:id": () => GRPO,
      "GET /api/runs/:id/metrics": () => grpoMetrics(),
      "GET /api/runs/:id/rollouts": () => ROLLOUT_STEPS,
      "GET /api/runs/:id/rollouts/:step": (r) => rolloutStep(Number(r.path.split("/").pop())),
    });
    renderRoute(<RunPage />, { path: `/runs/${GRPO.id}?step=12`, pattern: "/runs/:id" });
    const rollouts = await screen.findByRole("region", { name: "Rollouts" });
    expect(
      await within(rollouts).findByText("No rollouts were kept at step 12; showing step 10, the nearest step that has them."),
    ).toBeInTheDocument();
    expect(within(rollouts).getByLabelText("Step")).toHaveValue("10");
    await within(rollouts).findByRole("region", { name: "Group 0" });
    expect(api.calls.some((c) => c.path.endsWith("/rollouts/10"))).toBe(true);
    expect(api.calls.some((c) => c.path.endsWith("/rollouts/20"))).toBe(false);
  });

  it("shows no rollout browser for an SFT run", async () => {
    const api = mockApi({
      "GET /api/runs/:id": () => ({ ...RUN, status: "succeeded" }),
      "GET /api/runs/:id/metrics": () => ({ names: ["loss"], items: [{ step: 0, name: "loss", value: 2, time: RUN.created_at }] }),
    });
    renderRoute(<RunPage />, { path: `/runs/${RUN.id}`, pattern: "/runs/:id" });
    await screen.findByRole("img", { name: /^loss/ });
    expect(screen.getByText("SFT")).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Rollouts" })).not.toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Held-out evaluation" })).not.toBeInTheDocument();
    expect(api.calls.some((c) => c.path.endsWith("/rollouts"))).toBe(false);
  });

  it("leaves the GRPO-only config out of an SFT run, and says what a chart shows", async () => {
    mockApi({
      "GET /api/runs/:id": () => ({
        ...RUN,
        status: "succeeded",
        config: { training: { learning_rate: 0.0001 }, grpo: { num_generations: 4 }, rollout: {}, rewards: { answer_match: 1 } },
      }),
      "GET /api/scorers": () => SCORERS,
      "GET /api/evaluations": (r) => ({
        items:
          r.query.get("run_id") === RUN.id
            ? [
                {
                  id: "0190e7a1-0000-7000-8000-0000000000e9",
                  name: "sft checkpoint on arith eval",
                  model: "tiny",
                  run_id: RUN.id,
                  dataset_key: "arith-v1",
                  split: "eval",
                  scorers: ["answer_match"],
                  item_count: 150,
                  summary: { answer_match: { count: 150, mean: 0.4, ci_low: 0.32, ci_high: 0.48 } },
                  config: {},
                  created_at: RUN.created_at,
                },
              ]
            : [],
      }),
      "GET /api/runs/:id/metrics": () => ({
        names: ["loss"],
        items: [
          { step: 0, name: "loss", value: 2, time: RUN.created_at },
          { step: 5, name: "loss", value: 1.5, time: RUN.created_at },
        ],
      }),
    });
    renderRoute(<RunPage />, { path: `/runs/${RUN.id}`, pattern: "/runs/:id" });
    const config = await screen.findByRole("region", { name: "Config (resolved)" });
    expect(config).toHaveTextContent('"learning_rate": 0.0001');
    expect(config).not.toHaveTextContent("num_generations");
    expect(config).toHaveTextContent("Left out: grpo, rollout, rewards");
    const outcome = screen.getByRole("region", { name: "Did it work?" });
    await waitFor(() => expect(outcome).toHaveTextContent("Training loss2 → 1.5 ▼ −0.5 (better)"));
    expect(outcome).toHaveTextContent("No held-out evaluation during training");
    // The evaluation of its checkpoint, shown where one asks whether it worked.
    const evaluation = await within(outcome).findByRole("link", { name: "sft checkpoint on arith eval" });
    expect(evaluation).toHaveAttribute("href", "/evaluations/0190e7a1-0000-7000-8000-0000000000e9");
    expect(evaluation.closest("li")).toHaveTextContent("150 items · eval answer_match 0.4 [0.32, 0.48]");
    expect(await screen.findByText(/Training loss: cross-entropy/)).toBeInTheDocument();
  });
});
