import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorBody, mockApi, renderRoute } from "../test/utils";
import { DatasetsPage } from "./DatasetsPage";

const DATASET = {
  dataset_key: "gsm8k-sft-1",
  dataset_name: "gsm8k-sft",
  dataset_version: "1",
  build_id: "0190e7a1-0000-7000-8000-0000000000d1",
  dataset_schema_version: "1",
  created_at: "2025-01-02T10:00:00Z",
  trace_count: 900,
  split_counts: { train: 810, eval: 90 },
  stats: {},
  filters: { source: "gsm8k" },
  selection_strategy: "random",
  seed: 42,
  limit: 1000,
  dedup: true,
  split: { eval_fraction: 0.1 },
  checksum: "abc",
  manifest_path: "x",
  description: "First cut",
  session_id: null,
  parent_dataset_id: null,
  training_run_id: null,
};

describe("DatasetsPage", () => {
  it("lists datasets with their splits", async () => {
    mockApi({ "GET /api/datasets": () => ({ items: [DATASET] }) });
    renderRoute(<DatasetsPage />, { path: "/datasets" });
    const link = await screen.findByRole("link", { name: "gsm8k-sft-1" });
    expect(link).toHaveAttribute("href", "/datasets/gsm8k-sft-1");
    const row = screen.getByRole("row", { name: /gsm8k-sft-1/ });
    expect(row).toHaveTextContent("train 810");
    expect(row).toHaveTextContent("seed 42");
  });

  it("previews a build from the URL's filters, then builds and opens the dataset", async () => {
    const { calls } = mockApi({
      "GET /api/datasets": () => ({ items: [] }),
      "GET /api/scorers": () => [],
      "POST /api/datasets/preview": () => ({ matched: 1319, selected: 1000 }),
      "POST /api/datasets/build": ({ body }) => ({
        status: 201,
        body: { dataset_key: `${(body as { dataset_name: string }).dataset_name}-1`, build_id: DATASET.build_id, trace_count: 1000, split_counts: {}, manifest_path: "x", checksum: "c" },
      }),
    });
    renderRoute(<DatasetsPage />, { path: "/datasets?build=1&source=gsm8k&meta=split%3Dtest" });
    const form = await screen.findByRole("form", { name: "Build a dataset" });
    expect(within(form).getByLabelText("Source")).toHaveValue("gsm8k");
    expect(await within(form).findByText(/traces match/)).toHaveTextContent("1,319 traces match · 1,000 would be selected");
    const preview = calls.find((c) => c.path === "/api/datasets/preview")!.body as Record<string, unknown>;
    expect(preview.filters).toMatchObject({ source: "gsm8k", metadata: { split: "test" } });

    await userEvent.click(within(form).getByRole("button", { name: "Build dataset" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Name: letters, digits");
    await userEvent.type(within(form).getByLabelText("Dataset name"), "gsm8k-test");
    await userEvent.click(within(form).getByRole("button", { name: "Build dataset" }));
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/datasets/gsm8k-test-1"));
    const build = calls.find((c) => c.path === "/api/datasets/build")!.body as Record<string, unknown>;
    expect(build).toMatchObject({ dataset_name: "gsm8k-test", dataset_version: "1", limit: 1000, dedup: true, split: { eval_fraction: 0.1 } });
  });

  it("explains what a strategy needs before asking the server", async () => {
    mockApi({ "GET /api/datasets": () => ({ items: [] }), "GET /api/scorers": () => [], "POST /api/datasets/preview": () => ({ matched: 1, selected: 1 }) });
    renderRoute(<DatasetsPage />, { path: "/datasets?build=1" });
    const form = await screen.findByRole("form", { name: "Build a dataset" });
    await userEvent.selectOptions(within(form).getByLabelText("Strategy"), "random");
    expect(within(form).getByRole("status")).toHaveTextContent("The random strategy needs a seed");
    expect(within(form).getByRole("button", { name: "Build dataset" })).toBeDisabled();
  });

  it("shows the server's reason when listing fails", async () => {
    mockApi({ "GET /api/datasets": () => ({ status: 503, body: errorBody("database_unavailable", "The database is not reachable right now; retry shortly.") }) });
    renderRoute(<DatasetsPage />, { path: "/datasets" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not load datasets");
  });
});
