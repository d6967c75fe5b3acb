// Seeds a fresh server through its REST API: GSM8K rows as traces (the copy that ships in
// backend/tunix_rt_backend/data/gsm8k, or $TUNIX_RT_GSM8K_DIR), plus model answers ("eval") for a
// few of the same questions, so there is something to compare.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export interface Seeded {
  /** Every trace stored after seeding (evaluations store their outputs as traces too). */
  total: number;
  gsm8k: number;
  eval: number;
  runId: string;
  liveRunId: string;
  /** A GRPO run started from runId, with reward curves, held-out scores and rollouts. */
  grpoRunId: string;
  /** The steps with rollouts, oldest first, and the trace of step 100's group 0 completion 0. */
  rolloutSteps: number[];
  rolloutTraceId: string;
  beforeEvalId: string;
  afterEvalId: string;
  /** Items wrong before training and right after. */
  fixed: string[];
  broken: string[];
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
  const dir =
    process.env.TUNIX_RT_GSM8K_DIR ??
    resolve(here, "..", "backend", "tunix_rt_backend", "data", "gsm8k");
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

let authorization: Record<string, string> = {};

async function post<T>(base: string, path: string, body: unknown, method = "POST"): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...authorization },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function seed(
  base: string,
  apiKey: string | null = null,
  limit = Number(process.env.E2E_SEED_ROWS ?? 300),
): Promise<Seeded> {
  authorization = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
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
  const runs = await seedRuns(base);
  const evaluations = await seedEvaluations(base, traces.slice(10, 18), runs.runId);
  const grpo = await seedGrpoRun(base, runs.runId, traces.slice(20, 23));
  const count = await fetch(`${base}/api/traces/count`, { headers: authorization }).then((r) => r.json() as Promise<{ count: number }>);
  return {
    total: count.count,
    ...runs,
    ...evaluations,
    ...grpo,
    gsm8k: traces.length,
    eval: evals.length,
    question: rows[0]!.question,
    referenceId: result.ids[0]!,
    evalId: evalResult.ids[0]!,
  };
}

/** A finished SFT run with loss, learning-rate and throughput curves, and one still running. */
async function seedRuns(base: string): Promise<{ runId: string; liveRunId: string }> {
  const run = await post<{ id: string }>(base, "/api/runs", {
    kind: "sft",
    name: "gemma3-1b-gsm8k-sft",
    status: "running",
    base_model: "google/gemma-3-1b-it",
    config: { training: { learning_rate: 1e-4, max_steps: 200, warmup_steps: 20, batch_size: 8 }, lora: { rank: 16 } },
    seed: 42,
    git_sha: "e2e0000",
  });
  const metrics = [];
  for (let step = 0; step <= 200; step += 5) {
    const warm = Math.min(1, step / 20);
    metrics.push(
      { step, name: "loss", value: 0.35 + 1.9 * Math.exp(-step / 45) + 0.03 * Math.sin(step / 3) },
      { step, name: "learning_rate", value: 1e-4 * warm * (step <= 20 ? 1 : 1 - (step - 20) / 180) },
      { step, name: "tokens_per_second", value: 2400 + 60 * Math.cos(step / 7) },
    );
    if (step % 50 === 0) {
      metrics.push(
        { step, name: "eval/loss", value: 0.5 + 1.8 * Math.exp(-step / 60) },
        { step, name: "eval/answer_match", value: 0.1 + 0.3 * (step / 200) },
      );
    }
  }
  await post(base, `/api/runs/${run.id}/metrics`, { metrics });
  await post(base, `/api/runs/${run.id}`, { status: "succeeded", summary: { final_loss: 0.37, steps: 200 }, artifacts: { checkpoint: "runs/gemma3-1b-gsm8k-sft/checkpoints/200" } }, "PATCH");

  const live = await post<{ id: string }>(base, "/api/runs", {
    kind: "sft",
    name: "gemma3-1b-gsm8k-sft-long",
    status: "running",
    base_model: "google/gemma-3-1b-it",
    config: { training: { learning_rate: 5e-5, max_steps: 2000 } },
    seed: 7,
  });
  await post(base, `/api/runs/${live.id}/metrics`, {
    metrics: [0, 10, 20, 30].map((step) => ({ step, name: "loss", value: 2.3 - step * 0.02 })),
  });
  return { runId: run.id, liveRunId: live.id };
}

const response = (trace: TraceIn, answer: string) =>
  `<reasoning>${trace.steps.map((s) => s.content).join("\n")}</reasoning><answer>${answer}</answer>`;

/**
 * The same eight questions answered before and after training: items 4–6 go from wrong to right
 * (fixed), item 3 from right to wrong (broken).
 */
async function seedEvaluations(
  base: string,
  traces: TraceIn[],
  runId: string,
): Promise<{ beforeEvalId: string; afterEvalId: string; fixed: string[]; broken: string[] }> {
  const rightBefore = new Set([0, 1, 2, 3]);
  const rightAfter = new Set([0, 1, 2, 4, 5, 6]);
  const items = (right: Set<number>) =>
    traces.map((trace, i) => ({
      item_id: `gsm8k-test-${10 + i}`,
      prompt: trace.prompt,
      response: response(trace, right.has(i) ? trace.final_answer : String(Number(trace.final_answer) + 7)),
      reference_answer: trace.reference_answer,
    }));
  const before = await post<{ id: string }>(base, "/api/evaluations", {
    name: "gsm8k-test-base",
    model: "gemma-3-1b (base)",
    items: items(rightBefore),
  });
  const after = await post<{ id: string }>(base, "/api/evaluations", {
    name: "gsm8k-test-sft",
    model: "gemma3-1b-gsm8k-sft/checkpoints/200",
    run_id: runId,
    items: items(rightAfter),
  });
  return {
    beforeEvalId: before.id,
    afterEvalId: after.id,
    fixed: [4, 5, 6].map((i) => `gsm8k-test-${10 + i}`),
    broken: [`gsm8k-test-13`],
  };
}

/**
 * A GRPO run started from the SFT run: the trainer's metrics every 5 steps (held-out scores every
 * 25) and, at steps 25, 50, 75 and 100, four completions for each of three prompts, more of them
 * right as training goes on. Group 2 at step 100 earns equal rewards (no learning signal).
 */
async function seedGrpoRun(
  base: string,
  parentRunId: string,
  traces: TraceIn[],
): Promise<{ grpoRunId: string; rolloutSteps: number[]; rolloutTraceId: string }> {
  const run = await post<{ id: string }>(base, "/api/runs", {
    kind: "grpo",
    name: "gemma3-1b-gsm8k-grpo",
    status: "running",
    base_model: "google/gemma-3-1b-it",
    parent_run_id: parentRunId,
    config: { grpo: { num_generations: 4, beta: 0.04, rewards: { answer_match: 2, format_exact: 1 } } },
    seed: 42,
  });
  const metrics = [];
  for (let step = 0; step <= 100; step += 5) {
    const progress = step / 100;
    const answer = 0.3 + 0.45 * progress + 0.03 * Math.sin(step / 4);
    const format = Math.min(1, 0.55 + 0.6 * progress);
    metrics.push(
      { step, name: "loss", value: 0.02 + 0.01 * Math.cos(step / 6) },
      { step, name: "kl", value: 0.0004 * step * (1 - progress / 2) },
      { step, name: "learning_rate", value: 3e-6 },
      { step, name: "tokens_per_second", value: 900 + 40 * Math.sin(step / 9) },
      { step, name: "reward/total", value: 2 * answer + format },
      { step, name: "reward/std", value: 0.9 - 0.3 * progress },
      { step, name: "reward/answer_match", value: answer },
      { step, name: "reward/format_exact", value: format },
      { step, name: "groups/no_signal", value: 0.45 - 0.25 * progress },
      { step, name: "completion/mean_tokens", value: 210 - 60 * progress },
    );
    if (step % 25 === 0) {
      metrics.push(
        { step, name: "eval/answer_match", value: 0.28 + 0.3 * progress },
        { step, name: "eval/format_exact", value: 0.5 + 0.45 * progress },
      );
    }
  }
  await post(base, `/api/runs/${run.id}/metrics`, { metrics });

  const rolloutSteps = [25, 50, 75, 100];
  let rolloutTraceId = "";
  for (const step of rolloutSteps) {
    const groups = traces.map((trace, group) => {
      // r: right and tagged (reward 3), w: wrong and tagged (1), u: untagged (0).
      const kinds = step === 100 && group === 2 ? "rrrr" : ["rwuw", "rwru", "rrwr", "rrrw"][step / 25 - 1]!;
      const rewards: number[] = [...kinds].map((k) => (k === "r" ? 3 : k === "w" ? 1 : 0));
      const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
      const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length) || 1;
      return {
        group,
        item_id: `gsm8k-test-${20 + group}`,
        prompt: trace.prompt,
        reference_answer: trace.reference_answer,
        completions: [...kinds].map((k, index) => ({
          index,
          response:
            k === "u"
              ? `${trace.steps.map((s) => s.content).join(" ")} So the answer is ${trace.final_answer}.`
              : response(trace, k === "r" ? trace.final_answer : String(Number(trace.final_answer) + 2)),
          advantage: Number(((rewards[index]! - mean) / std).toFixed(3)),
          reward: rewards[index]!,
          rewards: { answer_match: k === "w" ? 0 : 1, format_exact: k === "u" ? 0 : 1 },
        })),
      };
    });
    const stored = await post<{ trace_ids: string[] }>(base, `/api/runs/${run.id}/rollouts`, {
      step,
      scorers: ["answer_match", "format_exact"],
      weights: { answer_match: 2, format_exact: 1 },
      groups,
    });
    rolloutTraceId = stored.trace_ids[0]!;
  }
  await post(base, `/api/runs/${run.id}`, { status: "succeeded", summary: { steps: 100 } }, "PATCH");
  return { grpoRunId: run.id, rolloutSteps, rolloutTraceId };
}
