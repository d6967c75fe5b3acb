import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap, type Schemas } from "../../lib/api";
import type { ScoreRange } from "../../lib/scores";
import { traceKeys } from "../traces/queries";

export function useScorers() {
  return useQuery({
    queryKey: ["scorers"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/scorers", { signal })),
    staleTime: 5 * 60_000,
  });
}

/** Each built-in scorer's range by name (empty until the list has loaded; unknown names: none). */
export function useScorerRanges(): Map<string, ScoreRange> {
  const scorers = useScorers();
  return useMemo(
    () => new Map((scorers.data ?? []).map((s) => [s.name, { min: s.min_value, max: s.max_value }])),
    [scorers.data],
  );
}

export type ScoreInput = Schemas["RunScorer"] | Schemas["ExternalScoreCreate"];

/** Runs a built-in scorer (`{scorer}`) or stores a human/judge score on one trace. */
export function useCreateScore(traceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ScoreInput) =>
      unwrap(
        api.POST("/api/traces/{trace_id}/scores", {
          params: { path: { trace_id: traceId } },
          body,
        }),
      ),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: traceKeys.detail(traceId) }),
        client.invalidateQueries({ queryKey: ["traces", "compare"] }),
      ]),
  });
}
