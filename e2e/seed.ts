// Seeds a fresh server through its REST API: GSM8K rows as traces (the shared copy of the data set,
// ../shared/data/gsm8k beside the repo, or $TUNIX_RT_GSM8K_DIR), plus model answers ("eval") for a
// few of the same questions, so there is something to compare.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export interface Seeded {
  gsm8k: number;
  eval: number;
  /** The first GSM8K question, its trace id, and the id of a wrong model answer to it. */
  question: string;
  referenceId: string;
  evalId: string;
}

interface Row {
  question: string;
  answer: string;
}

interface TraceIn {
  prompt: string;
  steps: { type: string; content: string }[];
  final_answer: string;
  reference_answer: string | null;
  source: string;
  tags: string[];
  metadata: Record<string, unknown>;
}

export function gsm8kDir(): string {
  const dir = process.env.TUNIX_RT_GSM8K_DIR ?? resolve(here, "..", "..", "shared", "data", "gsm8k");
  if (!existsSync(join(dir, "test.jsonl"))) {
    throw new Error(`GSM8K not found at ${dir} (expected test.jsonl); set TUNIX_RT_GSM8K_DIR.`);
  }
  return dir;
}

/** GSM8K's solution: lines of reasoning with <<calculator>> marks, then "#### answer". */
export function toTrace(row: Row, index: number, split: string): TraceIn {
  const [solution = "", final = ""] = row.answer.split("####");
  const steps = solution
    .split("\n")
    .map((line) => line.replace(/<<[^>]*>>/g, "").trim())
    .filter(Boolean)
    .map((content) => ({ type: "reasoning", content }));
  const answer = final.trim().replace(/,/g, "");
  return {
    prompt: row.question,
    steps,
    final_answer: answer,
    reference_answer: answer,
    source: "gsm8k",
    tags: ["gsm8k", split],
    metadata: { split, index, difficulty: steps.length > 3 ? "hard" : "easy" },
  };
}

async function post<T>(base: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function seed(base: string, limit = Number(process.env.E2E_SEED_ROWS ?? 300)): Promise<Seeded> {
  const rows = readFileSync(join(gsm8kDir(), "test.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .slice(0, limit)
    .map((line) => JSON.parse(line) as Row);
  const traces = rows.map((row, i) => toTrace(row, i, "test"));
  const result = await post<{ ids: string[] }>(base, "/api/traces/batch", { traces });

  // A model's answers to the first questions: the first reasoning step reworded, the last
  // step dropped, and (for even rows) a wrong final answer.
  const evals: TraceIn[] = traces.slice(0, 5).map((trace, i) => {
    const steps = trace.steps.slice(0, Math.max(1, trace.steps.length - 1)).map((step, j) =>
      j === 0 ? { ...step, content: `First, ${step.content.charAt(0).toLowerCase()}${step.content.slice(1)}` } : step,
    );
    const wrong = String(Number(trace.final_answer) + 1);
    return {
      ...trace,
      steps,
      final_answer: i % 2 === 0 ? wrong : trace.final_answer,
      source: "eval",
      tags: ["eval", "gemma-3-1b"],
      metadata: { split: "test", index: i, model: "gemma-3-1b" },
    };
  });
  const evalResult = await post<{ ids: string[] }>(base, "/api/traces/batch", { traces: evals });
  return {
    gsm8k: traces.length,
    eval: evals.length,
    question: rows[0]!.question,
    referenceId: result.ids[0]!,
    evalId: evalResult.ids[0]!,
  };
}
