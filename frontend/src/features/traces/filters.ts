// Trace filters live in the URL (so a filtered view can be shared and survives reload) and are
// turned into the API's query parameters here, in one place.

export interface TraceFilters {
  source: string;
  tags: string[];
  /** KEY=VALUE pairs; the API receives them as `metadata.KEY=VALUE`. */
  metadata: [string, string][];
  q: string;
  /** `datetime-local` values (local time, no zone), as typed into the form. */
  createdAfter: string;
  createdBefore: string;
  runId: string;
}

export const EMPTY_FILTERS: TraceFilters = {
  source: "",
  tags: [],
  metadata: [],
  q: "",
  createdAfter: "",
  createdBefore: "",
  runId: "",
};

/** Splits "a, b c" into ["a", "b", "c"] (commas or whitespace), dropping duplicates. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export interface MetadataParse {
  pairs: [string, string][];
  invalid: string[];
}

/** Parses "split=test difficulty=3" (space- or comma-separated KEY=VALUE). */
export function parseMetadata(text: string): MetadataParse {
  const pairs: [string, string][] = [];
  const invalid: string[] = [];
  for (const item of splitList(text)) {
    const at = item.indexOf("=");
    if (at <= 0) invalid.push(item);
    else pairs.push([item.slice(0, at), item.slice(at + 1)]);
  }
  return { pairs, invalid };
}

export function formatMetadata(pairs: [string, string][]): string {
  return pairs.map(([key, value]) => `${key}=${value}`).join(" ");
}

export function filtersFromSearch(params: URLSearchParams): TraceFilters {
  return {
    source: params.get("source") ?? "",
    tags: params.getAll("tag").filter(Boolean),
    metadata: parseMetadata(params.getAll("meta").join(" ")).pairs,
    q: params.get("q") ?? "",
    createdAfter: params.get("after") ?? "",
    createdBefore: params.get("before") ?? "",
    runId: params.get("run") ?? "",
  };
}

export function filtersToSearch(filters: TraceFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.source) params.set("source", filters.source);
  for (const tag of filters.tags) params.append("tag", tag);
  for (const [key, value] of filters.metadata) params.append("meta", `${key}=${value}`);
  if (filters.q) params.set("q", filters.q);
  if (filters.createdAfter) params.set("after", filters.createdAfter);
  if (filters.createdBefore) params.set("before", filters.createdBefore);
  if (filters.runId) params.set("run", filters.runId);
  return params;
}

export function activeFilterCount(filters: TraceFilters): number {
  return (
    (filters.source ? 1 : 0) +
    filters.tags.length +
    filters.metadata.length +
    (filters.q ? 1 : 0) +
    (filters.createdAfter ? 1 : 0) +
    (filters.createdBefore ? 1 : 0) +
    (filters.runId ? 1 : 0)
  );
}

function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The list/count endpoints' query: typed parameters plus `metadata.KEY` extras. */
export function filtersToQuery(filters: TraceFilters): {
  source?: string;
  tag?: string[];
  q?: string;
  created_after?: string;
  created_before?: string;
  run_id?: string;
} & Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filters.source) query.source = filters.source;
  if (filters.tags.length) query.tag = filters.tags;
  if (filters.q) query.q = filters.q;
  const after = toIso(filters.createdAfter);
  if (after) query.created_after = after;
  const before = toIso(filters.createdBefore);
  if (before) query.created_before = before;
  if (filters.runId) query.run_id = filters.runId;
  for (const [key, value] of filters.metadata) query[`metadata.${key}`] = value;
  return query;
}
