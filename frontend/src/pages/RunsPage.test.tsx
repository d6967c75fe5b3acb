import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, renderRoute } from "../test/utils";
import { RunsPage } from "./RunsPage";

const BASE = {
  status: "succeeded",
  dataset_key: null,
  dataset_checksum: null,
  base_model: "tiny",
  config: {},
  seed: 0,
  git_sha: null,
  artifacts: {},
  error: null,
  created_at: "2025-01-02T10:00:00Z",
  started_at: "2025-01-02T10:00:00Z",
  finished_at: "2025-01-02T10:10:00Z",
  heartbeat_at: null,
  parent_run_id: null,
};

const SFT = {
  ...BASE,
  id: "0190e7a1-0000-7000-8000-0000000000a1",
  kind: "sft",
  name: "arith-sft",
  dataset_key: "arith-v1",
  summary: { first_loss: 2.5, final_loss: 0.8123, held_out: { "eval/answer_match": 0.4, "eval/loss": 1.1 } },
};
const GRPO = {
  ...BASE,
  id: "0190e7a1-0000-7000-8000-0000000000a2",
  kind: "grpo",
  name: "arith-grpo",
  parent_run_id: SFT.id,
  summary: {
    first_reward: 0.9,
    final_reward: 1.25,
    final_loss: 0.0025,
    held_out_before: { "eval/answer_match": 0.067, "eval/format_exact": 0.5 },
    held_out: { "eval/answer_match": 0.06, "eval/format_exact": 0.9 },
  },
};

describe("RunsPage", () => {
  it("reports each run by what its kind trains for: GRPO its reward, SFT its loss, both held-out", async () => {
    mockApi({ "GET /api/runs": () => ({ items: [GRPO, SFT] }) });
    renderRoute(<RunsPage />, { path: "/runs" });
    const grpo = (await screen.findByRole("link", { name: "arith-grpo" })).closest("tr")!;
    expect(grpo).toHaveTextContent("reward 1.25");
    expect(grpo).not.toHaveTextContent("0.0025");
    expect(within(grpo).getByTitle("Held-out answer_match, first evaluation → last")).toHaveTextContent(
      "answer_match 0.067 → 0.06 (−0.007)",
    );
    const sft = screen.getByRole("link", { name: "arith-sft" }).closest("tr")!;
    expect(sft).toHaveTextContent("loss 0.8123");
    expect(sft).toHaveTextContent("answer_match 0.4");
    expect(within(sft).getByRole("link", { name: "arith-v1" })).toHaveAttribute("href", "/datasets/arith-v1");
  });
});
