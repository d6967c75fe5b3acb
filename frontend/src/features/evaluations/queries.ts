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

/** Items whose score of `scorer` lies in [min_value, max_value] (e.g. the wrong answers). */
export interface ItemFilter {
  scorer: string;
  min_value?: number;
  max_value?: number;
}

/** Items per page: a screenful or two, each with its raw output a click away. */
export const ITEMS_PAGE = 50;

export function useEvaluationItems(id: string, filter: ItemFilter | null = null) {
  return useInfiniteQuery({
    queryKey: ["evaluations", "items", id, filter],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/evaluations/{evaluation_id}/items", {
          params: { path: { evaluation_id: id }, query: { offset: pageParam, limit: ITEMS_PAGE, ...(filter ?? {}) } },
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
