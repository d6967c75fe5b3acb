import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, toApiError, unwrap, type Schemas } from "../../lib/api";

export type BuildRequest = Schemas["DatasetBuildRequest"];
export type ExportFormat = "trace" | "tunix_sft" | "chat" | "prompt_only";
export type ExportSplit = "" | "train" | "eval";
export type ResponseStyle = "tags" | "numbered";

export const EXPORT_FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  { value: "tunix_sft", label: "tunix_sft", hint: "prompt + completion in the Gemma turn format, for Tunix SFT" },
  { value: "chat", label: "chat", hint: "user/assistant messages, for TRL or Axolotl" },
  { value: "prompt_only", label: "prompt_only", hint: "question + answer, for RL with reward functions (GRPO)" },
  { value: "trace", label: "trace", hint: "the raw trace: prompt, steps, final answer, metadata" },
];

export const datasetKeys = {
  all: ["datasets"] as const,
  detail: (key: string) => ["datasets", "detail", key] as const,
  preview: (request: BuildRequest) => ["datasets", "preview", request] as const,
  sample: (key: string, format: string, split: string, style: string) =>
    ["datasets", "sample", key, format, split, style] as const,
};

export function useDatasets() {
  return useQuery({
    queryKey: datasetKeys.all,
    queryFn: ({ signal }) => unwrap(api.GET("/api/datasets", { signal })),
  });
}

export function useDataset(key: string) {
  return useQuery({
    queryKey: datasetKeys.detail(key),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/datasets/{key}", { params: { path: { key } }, signal })),
  });
}

/** How many traces a build would take; `request` is null while the form cannot be sent. */
export function useBuildPreview(request: BuildRequest | null) {
  return useQuery({
    queryKey: ["datasets", "preview", request],
    queryFn: ({ signal }) =>
      unwrap(api.POST("/api/datasets/preview", { body: request!, signal })),
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export function useBuildDataset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BuildRequest) => unwrap(api.POST("/api/datasets/build", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: datasetKeys.all }),
  });
}

export function exportQuery(format: ExportFormat, split: ExportSplit, style: ResponseStyle) {
  const params = new URLSearchParams({ format });
  if (split) params.set("split", split);
  if (style !== "tags") params.set("style", style);
  return params;
}

export function exportUrl(key: string, format: ExportFormat, split: ExportSplit, style: ResponseStyle) {
  return `/api/datasets/${encodeURIComponent(key)}/export.jsonl?${exportQuery(format, split, style)}`;
}

/** Reads a stream up to its first newline, then stops downloading. */
export async function readFirstLine(stream: ReadableStream<Uint8Array>): Promise<string | null> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (value) text += decoder.decode(value, { stream: true });
      const newline = text.indexOf("\n");
      if (newline >= 0) return text.slice(0, newline);
      if (done) return text.trim() ? text : null;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/** The first exported record in a format, parsed, to show what a trainer will read. */
export function useExportSample(key: string, format: ExportFormat, split: ExportSplit, style: ResponseStyle) {
  return useQuery({
    queryKey: datasetKeys.sample(key, format, split, style),
    queryFn: async ({ signal }) => {
      const { response, error } = await api.GET("/api/datasets/{key}/export.jsonl", {
        params: {
          path: { key },
          query: { format, ...(split ? { split } : {}), style },
        },
        parseAs: "stream",
        signal,
      });
      if (!response.ok) throw toApiError(response.status, error);
      const line = response.body ? await readFirstLine(response.body) : null;
      return line === null ? null : (JSON.parse(line) as Record<string, unknown>);
    },
  });
}
