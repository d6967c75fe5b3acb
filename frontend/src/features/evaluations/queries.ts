import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../lib/api";

export type Evaluation = Schemas["EvaluationRead"];

export function useEvaluations(runId: string | null) {
  return useQuery({
    queryKey: ["evaluations", "list", runId],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/evaluations", { params: { query: runId ? { run_id: runId } : {} }, signal })),
  });
}

export function useEvaluation(id: string) {
  return useQuery({
    queryKey: ["evaluations", "detail", id],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/evaluations/{evaluation_id}", { params: { path: { evaluation_id: id } }, signal })),
  });
}

export function useEvaluationItems(id: string) {
  return useInfiniteQuery({
    queryKey: ["evaluations", "items", id],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/evaluations/{evaluation_id}/items", {
          params: { path: { evaluation_id: id }, query: { offset: pageParam, limit: 100 } },
          signal,
        }),
      ),
    getNextPageParam: (last: Schemas["EvaluationItemPage"]) => last.next_offset ?? undefined,
  });
}

export function useEvaluationComparison(before: string, after: string, keyScorer: string) {
  return useQuery({
    queryKey: ["evaluations", "compare", before, after, keyScorer],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/evaluations/compare", {
          params: { query: { before, after, key_scorer: keyScorer } },
          signal,
        }),
      ),
    enabled: Boolean(before && after),
  });
}
