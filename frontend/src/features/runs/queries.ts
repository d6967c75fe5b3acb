import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../lib/api";

export type Run = Schemas["RunRead"];
export type RunStatus = Run["status"];

export const ACTIVE: ReadonlySet<RunStatus> = new Set(["queued", "running"]);
/** How often a page watching an active run asks for news. */
export const LIVE_INTERVAL_MS = 3_000;

export function useRuns(status: RunStatus | null) {
  return useQuery({
    queryKey: ["runs", "list", status],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/runs", { params: { query: status ? { status } : {} }, signal })),
    refetchInterval: (query) =>
      query.state.data?.items.some((run) => ACTIVE.has(run.status)) ? LIVE_INTERVAL_MS * 2 : false,
  });
}

export function useRun(id: string) {
  return useQuery({
    queryKey: ["runs", "detail", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/runs/{run_id}", { params: { path: { run_id: id } }, signal })),
    refetchInterval: (query) =>
      query.state.data && ACTIVE.has(query.state.data.status) ? LIVE_INTERVAL_MS : false,
  });
}

export function useRunMetrics(id: string, live: boolean) {
  return useQuery({
    queryKey: ["runs", "metrics", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/runs/{run_id}/metrics", { params: { path: { run_id: id } }, signal })),
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
  });
}

export type RolloutStepSummary = Schemas["RolloutStepSummary"];
export type RolloutStep = Schemas["RolloutStepRead"];
export type RolloutGroup = Schemas["RolloutGroupRead"];
export type RolloutCompletion = Schemas["RolloutCompletionRead"];

/** The steps of a run that have rollouts (oldest first); polled while the run is live. */
export function useRolloutSteps(id: string, live: boolean) {
  return useQuery({
    queryKey: ["runs", "rollouts", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/runs/{run_id}/rollouts", { params: { path: { run_id: id } }, signal })),
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
  });
}

/** One recorded step's groups and completions (a step is recorded once, so no polling). */
export function useRolloutStep(id: string, step: number | null) {
  return useQuery({
    queryKey: ["runs", "rollouts", id, step],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/runs/{run_id}/rollouts/{step}", {
          params: { path: { run_id: id, step: step ?? 0 } },
          signal,
        }),
      ),
    enabled: step !== null,
  });
}

/** Metric points grouped by name, in step order. */
export function seriesByName(items: Schemas["MetricRead"][]): Map<string, { step: number; value: number }[]> {
  const series = new Map<string, { step: number; value: number }[]>();
  for (const item of items) {
    const list = series.get(item.name) ?? [];
    list.push({ step: item.step, value: item.value });
    series.set(item.name, list);
  }
  for (const list of series.values()) list.sort((a, b) => a.step - b.step);
  return series;
}

/** Loss first, then the learning rate, then throughput, then the rest by name. */
export function orderMetricNames(names: string[]): string[] {
  const rank = (name: string) =>
    /(^|[/_])loss$/.test(name) && !name.startsWith("eval") ? 0
    : /loss/.test(name) ? 1
    : /learning_rate|(^|[/_])lr$/.test(name) ? 2
    : /tokens_per_s/.test(name) ? 3
    : 4;
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function duration(start: string | null, end: string | null, now = Date.now()): string {
  if (!start) return "—";
  const ms = (end ? new Date(end).getTime() : now) - new Date(start).getTime();
  if (!(ms >= 0)) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
