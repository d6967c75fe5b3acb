import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockApi, renderRoute } from "../test/utils";
import { UngarPage } from "./UngarPage";

describe("UngarPage", () => {
  it("says Not Installed and keeps Generate disabled without UNGAR", async () => {
    mockApi({ "GET /api/ungar/status": () => ({ available: false, version: null }) });
    renderRoute(<UngarPage />, { path: "/ungar" });
    expect(await screen.findByText("Not Installed")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Generate" })).toBeDisabled();
  });

  it("generates episodes and previews them when installed", async () => {
    const { calls } = mockApi({
      "GET /api/ungar/status": () => ({ available: true, version: "0.3.0" }),
      "POST /api/ungar/high-card-duel/generate": () => ({
        status: 201,
        body: {
          trace_ids: ["0190e7a1-0000-7000-8000-0000000000u1"],
          created: 1,
          existing: 0,
          preview: [{ prompt: "You hold the 7 of hearts.", steps: [{ type: "reasoning", content: "7 is high" }], final_answer: "call", metadata: {} }],
        },
      }),
    });
    renderRoute(<UngarPage />, { path: "/ungar" });
    expect(await screen.findByText("Installed")).toBeInTheDocument();
    const form = screen.getByRole("form", { name: "Generate episodes" });
    await userEvent.clear(within(form).getByLabelText("Episodes (1–100)"));
    await userEvent.type(within(form).getByLabelText("Episodes (1–100)"), "1");
    await userEvent.type(within(form).getByLabelText("Seed (optional)"), "5");
    await userEvent.click(within(form).getByRole("button", { name: "Generate" }));
    expect(await screen.findByText("You hold the 7 of hearts.")).toBeInTheDocument();
    await waitFor(() => expect(calls.find((c) => c.method === "POST")?.body).toEqual({ count: 1, seed: 5, persist: true }));
    expect(screen.getByRole("link", { name: "See them in traces" })).toHaveAttribute("href", "/traces?source=ungar");
  });
});
