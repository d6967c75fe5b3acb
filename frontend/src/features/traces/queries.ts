import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../lib/api";
import { filtersToQuery, type TraceFilters } from "./filters";

export const PAGE_SIZE = 50;

export const traceKeys = {
  all: ["traces"] as const,
  list: (filters: TraceFilters) => ["traces", "list", filters] as const,
  count: (filters: TraceFilters) => ["traces", "count", filters] as const,
  detail: (id: string) => ["traces", "detail", id] as const,
  compare: (base: string, other: string) => ["traces", "compare", base, other] as const,
};

export function useTraceList(filters: TraceFilters) {
  return useInfiniteQuery({
    queryKey: traceKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/traces", {
          params: {
            query: {
              ...filtersToQuery(filters),
              limit: PAGE_SIZE,
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last: Schemas["TracePage"]) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
}

export function useTraceCount(filters: TraceFilters) {
  return useQuery({
    queryKey: traceKeys.count(filters),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/traces/count", { params: { query: filtersToQuery(filters) }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useTrace(id: string) {
  return useQuery({
    queryKey: traceKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/traces/{trace_id}", { params: { path: { trace_id: id } }, signal })),
  });
}

export function useTraceComparison(base: string, other: string) {
  return useQuery({
    queryKey: traceKeys.compare(base, other),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/traces/compare", { params: { query: { base, other } }, signal })),
    enabled: Boolean(base && other),
  });
}

export function useDeleteTrace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/traces/{trace_id}", { params: { path: { trace_id: id } } })),
    onSuccess: (_data, id) => {
      client.removeQueries({ queryKey: traceKeys.detail(id) });
      return client.invalidateQueries({ queryKey: traceKeys.all });
    },
  });
}

/** Load the example data (GSM8K, arithmetic problems, scores, a dataset): POST /api/demo. */
export function useLoadDemo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/demo")),
    onSuccess: () => client.invalidateQueries(),
  });
}
