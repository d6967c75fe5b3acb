import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { errorBody, mockApi, renderRoute, summary } from "../test/utils";
import { TracesPage } from "./TracesPage";

const page = (from: number, count: number, next: string | null) => ({
  items: Array.from({ length: count }, (_, i) => summary(from + i)),
  next_cursor: next,
});

describe("TracesPage", () => {
  it("lists traces with the count and loads the next page with the cursor", async () => {
    const { calls } = mockApi({
      "GET /api/traces": ({ query }) => (query.get("cursor") === "c2" ? page(50, 10, null) : page(0, 50, "c2")),
      "GET /api/traces/count": () => ({ count: 60 }),
    });
    renderRoute(<TracesPage />, { path: "/traces" });
    expect(await screen.findByText("60 traces")).toBeInTheDocument();
    expect(await screen.findAllByRole("link", { name: /Question number/ })).toHaveLength(50);
    expect(screen.getByText("Showing 50 of 60")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(screen.getAllByRole("link", { name: /Question number/ })).toHaveLength(60));
    expect(screen.getByText("End of list")).toBeInTheDocument();
    const pages = calls.filter((c) => c.path === "/api/traces");
    expect(pages[1]!.query.get("cursor")).toBe("c2");
    expect(pages[1]!.query.get("limit")).toBe("50");
  });

  it("applies filters to the URL and to both requests", async () => {
    const { calls } = mockApi({
      "GET /api/traces": () => page(0, 1, null),
      "GET /api/traces/count": () => ({ count: 1 }),
    });
    renderRoute(<TracesPage />, { path: "/traces" });
    await screen.findByText("1 trace");
    const form = screen.getByRole("search", { name: "Filter traces" });
    await userEvent.type(within(form).getByLabelText("Source"), "gsm8k");
    await userEvent.type(within(form).getByLabelText("Tags (all of)"), "test, hard");
    await userEvent.type(within(form).getByLabelText("Metadata (KEY=VALUE)"), "split=test");
    await userEvent.click(within(form).getByRole("button", { name: "Apply" }));

    await waitFor(() =>
      expect(screen.getByTestId("location")).toHaveTextContent(
        "/traces?source=gsm8k&tag=test&tag=hard&meta=split%3Dtest",
      ),
    );
    await screen.findByText("1 trace match these filters");
    const count = calls.filter((c) => c.path === "/api/traces/count").at(-1)!;
    expect(count.query.get("source")).toBe("gsm8k");
    expect(count.query.getAll("tag")).toEqual(["test", "hard"]);
    expect(count.query.get("metadata.split")).toBe("test");
    expect(screen.getByRole("list", { name: "Active filters" })).toHaveTextContent("split = test");
  });

  it('jumps to the search box on "/"', async () => {
    mockApi({ "GET /api/traces": () => page(0, 1, null), "GET /api/traces/count": () => ({ count: 1 }) });
    renderRoute(<TracesPage />, { path: "/traces" });
    await screen.findByText("1 trace");
    await userEvent.keyboard("/");
    expect(screen.getByLabelText("Prompt contains")).toHaveFocus();
  });

  it("refuses metadata that is not KEY=VALUE", async () => {
    mockApi({ "GET /api/traces": () => page(0, 1, null), "GET /api/traces/count": () => ({ count: 1 }) });
    renderRoute(<TracesPage />, { path: "/traces" });
    await screen.findByText("1 trace");
    await userEvent.type(screen.getByLabelText("Metadata (KEY=VALUE)"), "split{enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent('Write metadata filters as KEY=VALUE (not "split")');
    expect(screen.getByTestId("location")).toHaveTextContent(/^\/traces$/);
  });

  it("enables Compare once two rows are selected", async () => {
    mockApi({ "GET /api/traces": () => page(0, 3, null), "GET /api/traces/count": () => ({ count: 3 }) });
    renderRoute(<TracesPage />, { path: "/traces" });
    const boxes = await screen.findAllByRole("checkbox");
    const compare = screen.getByRole("button", { name: /^Compare/ });
    expect(compare).toBeDisabled();
    await userEvent.click(boxes[0]!);
    await userEvent.click(boxes[2]!);
    expect(compare).toBeEnabled();
    await userEvent.click(compare);
    expect(screen.getByTestId("location")).toHaveTextContent(
      `/compare?base=${summary(0).id}&other=${summary(2).id}`,
    );
  });

  it("names a run filter with the short id every page uses (the id's last 8 characters)", async () => {
    mockApi({ "GET /api/traces": () => page(0, 1, null), "GET /api/traces/count": () => ({ count: 1 }) });
    renderRoute(<TracesPage />, { path: "/traces?run=01a251ad-7c3e-7000-8000-00e3c10af4aa" });
    expect(await screen.findByText("run c10af4aa")).toBeInTheDocument();
  });

  it("loads the example data from the empty state, then lists what it stored", async () => {
    let loaded = false;
    const { calls } = mockApi({
      "GET /api/traces": () => (loaded ? page(0, 3, null) : page(0, 0, null)),
      "GET /api/traces/count": () => ({ count: loaded ? 3 : 0 }),
      "POST /api/demo": () => {
        loaded = true;
        return { seconds: 4.2, dataset_key: "gsm8k-demo-v1", dataset_created: true };
      },
    });
    renderRoute(<TracesPage />, { path: "/traces" });
    expect(await screen.findByText("No traces yet")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Load example data" }));
    expect(await screen.findAllByRole("link", { name: /Question number/ })).toHaveLength(3);
    expect(screen.getByText("3 traces")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "POST" && c.path === "/api/demo")).toHaveLength(1);
  });

  it("says why the example data could not be loaded", async () => {
    mockApi({
      "GET /api/traces": () => page(0, 0, null),
      "GET /api/traces/count": () => ({ count: 0 }),
      "POST /api/demo": () => ({ status: 503, body: errorBody("database_unavailable", "The database is not reachable right now; retry shortly.") }),
    });
    renderRoute(<TracesPage />, { path: "/traces" });
    await userEvent.click(await screen.findByRole("button", { name: "Load example data" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the example data: The database is not reachable");
    expect(screen.getByRole("button", { name: "Load example data" })).toBeEnabled();
  });

  it("shows an empty state without traces, and an error state with a retry", async () => {
    mockApi({ "GET /api/traces": () => page(0, 0, null), "GET /api/traces/count": () => ({ count: 0 }) });
    const first = renderRoute(<TracesPage />, { path: "/traces" });
    expect(await screen.findByText("No traces yet")).toBeInTheDocument();
    first.unmount();

    mockApi({
      "GET /api/traces": () => ({ status: 503, body: errorBody("database_unavailable", "The database is not reachable right now; retry shortly.") }),
      "GET /api/traces/count": () => ({ count: 0 }),
    });
    renderRoute(<TracesPage />, { path: "/traces?source=x" });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load traces");
    expect(alert).toHaveTextContent("The database is not reachable right now");
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});
