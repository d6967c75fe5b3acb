import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../lib/api";

export function useUngarStatus() {
  return useQuery({
    queryKey: ["ungar", "status"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/ungar/status", { signal })),
  });
}

export function useGenerateDuels() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["DuelGenerateRequest"]) =>
      unwrap(api.POST("/api/ungar/high-card-duel/generate", { body })),
    onSuccess: (result) =>
      result.created ? client.invalidateQueries({ queryKey: ["traces"] }) : undefined,
  });
}
