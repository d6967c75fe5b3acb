import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
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
};

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
    expect(screen.getByRole("link", { name: /gsm8k-sft-1/ })).toHaveAttribute("href", "/datasets/gsm8k-sft-1");
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
});
