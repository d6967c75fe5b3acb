// Test helpers: a fake API (routes on method + path, records every request) and a renderer that
// gives a component the providers the app gives it (query client, router, toasts).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";
import { vi } from "vitest";
import { ToastProvider } from "../components/Toasts";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Handler = (request: Recorded) => { status?: number; body?: unknown } | unknown;

/** Replaces fetch: `handlers["GET /api/traces"]` answers; anything unhandled is a 404. */
export function mockApi(handlers: Record<string, Handler>) {
  const calls: Recorded[] = [];
  const fetchMock = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const text = input.method === "GET" || input.method === "DELETE" ? "" : await input.text();
    const recorded: Recorded = {
      method: input.method,
      path: url.pathname,
      query: url.searchParams,
      headers: input.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(recorded);
    const key = Object.keys(handlers).find((pattern) => {
      const [method, path] = pattern.split(" ");
      const regex = new RegExp(`^${path!.replace(/:[a-z_]+/g, "[^/]+")}$`);
      return method === input.method && regex.test(url.pathname);
    });
    if (!key) {
      return json(404, { error: { code: "not_found", message: `No handler for ${input.method} ${url.pathname}`, details: null } });
    }
    const answer = handlers[key]!(recorded);
    // `{status: <number>, body?}` sets the status; any other answer is a 200 body.
    if (answer && typeof answer === "object" && typeof (answer as { status?: unknown }).status === "number") {
      const { status, body } = answer as { status: number; body?: unknown };
      return status === 204 ? new Response(null, { status }) : json(status, body);
    }
    return json(200, answer);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function errorBody(code: string, message: string) {
  return { error: { code, message, details: null } };
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** Renders `element` at `path` (route pattern `pattern`), with a probe showing the current URL. */
export function renderRoute(element: ReactElement, { path = "/", pattern = "*" } = {}) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
  const router = createMemoryRouter(
    [
      {
        path: pattern,
        element: (
          <>
            {element}
            <LocationProbe />
          </>
        ),
      },
      { path: "*", element: <LocationProbe /> },
    ],
    { initialEntries: [path] },
  );
  const result = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, router, client };
}

export const TRACE_A = {
  id: "0190e7a1-0000-7000-8000-00000000aaaa",
  created_at: "2025-01-02T10:00:00Z",
  trace_version: "1.0",
  source: "gsm8k",
  prompt: "Janet has 3 apples and buys 2 more. How many apples?",
  steps: [
    { type: "reasoning", content: "Janet starts with 3 apples." },
    { type: "reasoning", content: "3 + 2 = 5" },
  ],
  step_count: 2,
  final_answer: "5",
  reference_answer: "5",
  tags: ["gsm8k", "test"],
  metadata: { split: "test", index: 0 },
  content_hash: "abc123",
  run_id: null,
  scores: [] as ScoreFixture[],
};

export interface ScoreFixture {
  id: string;
  trace_id: string;
  name: string;
  version: string | null;
  value: number;
  label: string | null;
  details: Record<string, unknown>;
  source: "auto" | "human" | "judge";
  created_at: string;
}

export function score(partial: Partial<ScoreFixture> & Pick<ScoreFixture, "name" | "value">): ScoreFixture {
  return {
    id: `s-${partial.name}-${partial.value}-${partial.created_at ?? ""}`,
    trace_id: TRACE_A.id,
    version: "1",
    label: null,
    details: {},
    source: "auto",
    created_at: "2025-01-02T10:05:00Z",
    ...partial,
  };
}

export function summary(i: number, overrides: Record<string, unknown> = {}) {
  return {
    id: `0190e7a1-0000-7000-8000-${String(i).padStart(12, "0")}`,
    created_at: "2025-01-02T10:00:00Z",
    trace_version: "1.0",
    source: "gsm8k",
    prompt_preview: `Question number ${i}`,
    step_count: 3,
    final_answer_preview: String(i),
    reference_answer_preview: String(i),
    tags: ["gsm8k"],
    run_id: null,
    ...overrides,
  };
}
