// Trace filters live in the URL (so a filtered view can be shared and survives reload) and are
// turned into the API's query parameters here, in one place.

export interface TraceFilters {
  source: string;
  tags: string[];
  /** KEY=VALUE pairs; the API receives them as `metadata.KEY=VALUE`. */
  metadata: [string, string][];
  /** Score bounds such as `answer_match>=1`; sent as `min_score.NAME` / `max_score.NAME`. */
  scores: ScoreBound[];
  q: string;
  /** `datetime-local` values (local time, no zone), as typed into the form. */
  createdAfter: string;
  createdBefore: string;
  runId: string;
}

export interface ScoreBound {
  name: string;
  op: ">=" | "<=";
  value: number;
}

export const EMPTY_FILTERS: TraceFilters = {
  source: "",
  tags: [],
  metadata: [],
  scores: [],
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

export interface ScoreParse {
  bounds: ScoreBound[];
  invalid: string[];
}

const SCORE_BOUND = /^([A-Za-z0-9_.\-]+)(>=|<=|=)(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i;

/** Parses "answer_match>=1 baseline<=0.5"; `NAME=X` means exactly X (both bounds). */
export function parseScores(text: string): ScoreParse {
  const bounds: ScoreBound[] = [];
  const invalid: string[] = [];
  for (const item of splitList(text)) {
    const match = SCORE_BOUND.exec(item);
    if (!match) {
      invalid.push(item);
      continue;
    }
    const [, name, op, raw] = match;
    const value = Number(raw);
    if (op === "=") bounds.push({ name: name!, op: ">=", value }, { name: name!, op: "<=", value });
    else bounds.push({ name: name!, op: op as ">=" | "<=", value });
  }
  return { bounds, invalid };
}

export function formatScores(bounds: ScoreBound[]): string {
  return bounds.map((b) => `${b.name}${b.op}${b.value}`).join(" ");
}

export function filtersFromSearch(params: URLSearchParams): TraceFilters {
  return {
    source: params.get("source") ?? "",
    tags: params.getAll("tag").filter(Boolean),
    metadata: parseMetadata(params.getAll("meta").join(" ")).pairs,
    scores: parseScores(params.getAll("score").join(" ")).bounds,
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
  for (const bound of filters.scores) params.append("score", `${bound.name}${bound.op}${bound.value}`);
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
    filters.scores.length +
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
  for (const bound of filters.scores) {
    query[`${bound.op === ">=" ? "min_score" : "max_score"}.${bound.name}`] = bound.value;
  }
  return query;
}

/** The same filters as the JSON `TraceFilter` that bulk scoring and dataset builds take. */
export function filtersToBody(filters: TraceFilters): {
  source: string | null;
  tags: string[];
  metadata: Record<string, string>;
  min_scores: Record<string, number>;
  max_scores: Record<string, number>;
  q: string | null;
  created_after: string | null;
  created_before: string | null;
  run_id: string | null;
} {
  const min: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (const bound of filters.scores) (bound.op === ">=" ? min : max)[bound.name] = bound.value;
  return {
    source: filters.source || null,
    tags: filters.tags,
    metadata: Object.fromEntries(filters.metadata),
    min_scores: min,
    max_scores: max,
    q: filters.q || null,
    created_after: toIso(filters.createdAfter) ?? null,
    created_before: toIso(filters.createdBefore) ?? null,
    run_id: filters.runId || null,
  };
}
