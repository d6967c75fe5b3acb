import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { setApiKey } from "../lib/auth";
import { TracesPage } from "../pages/TracesPage";
import { errorBody, mockApi, renderRoute } from "../test/utils";
import { ApiKeyGate } from "./ApiKeyGate";

afterEach(() => setApiKey(null));

describe("ApiKeyGate", () => {
  it("asks for a key when the server refuses, then sends it on every request", async () => {
    const { calls } = mockApi({
      "GET /api/traces": ({ headers }) =>
        headers.get("authorization") === "Bearer s3cret"
          ? { items: [], next_cursor: null }
          : { status: 401, body: errorBody("unauthorized", "This server requires an API key.") },
      "GET /api/traces/count": ({ headers }) =>
        headers.get("authorization") === "Bearer s3cret" ? { count: 0 } : { status: 401, body: errorBody("unauthorized", "x") },
    });
    renderRoute(
      <>
        <TracesPage />
        <ApiKeyGate />
      </>,
      { path: "/traces" },
    );
    const dialog = await screen.findByRole("dialog", { name: "This server requires an API key" });
    await waitFor(() => expect(screen.getByLabelText("API key")).toHaveFocus());
    await userEvent.type(screen.getByLabelText("API key"), "s3cret");
    await userEvent.click(screen.getByRole("button", { name: "Use this key" }));
    expect(dialog).not.toBeInTheDocument();
    expect(await screen.findByText("No traces yet")).toBeInTheDocument();
    expect(calls.at(-1)!.headers.get("authorization")).toBe("Bearer s3cret");
    expect(window.localStorage.getItem("tunix-rt.api-key")).toBe("s3cret");
  });
});
