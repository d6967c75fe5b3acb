import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { mockApi } from "../test/utils";
import { Layout } from "./Layout";

function renderLayout(path: string) {
  const router = createMemoryRouter([{ path: "*", element: <Layout /> }], { initialEntries: [path] });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("Layout", () => {
  it("has a skip link, a labelled main navigation marking the current page, and the API status", async () => {
    mockApi({ "GET /api/health": () => ({ status: "ok", version: "0.1.0", database: { status: "ok", dialect: "sqlite", revision: "0001" } }) });
    renderLayout("/runs");
    expect(screen.getByRole("link", { name: "Skip to content" })).toHaveAttribute("href", "#main");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Runs" })).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Traces" })).not.toHaveAttribute("aria-current");
    expect(await screen.findByText("API 0.1.0 · sqlite")).toBeInTheDocument();
  });

  it("says when the API cannot be reached", async () => {
    mockApi({ "GET /api/health": () => ({ status: 503, body: { error: { code: "x", message: "down", details: null } } }) });
    renderLayout("/traces");
    expect(await screen.findByText("API unreachable")).toBeInTheDocument();
  });
});
