import { orderMetricNames } from "./queries";

/**
 * How a run's metrics are drawn: rewards together (`reward/total` first, then one line per
 * reward scorer), held-out evaluation together (`eval/<scorer>`; `eval/loss` apart, its scale
 * differs), and every other metric on its own chart: loss first, but for a GRPO run (one with
 * rewards) KL, groups without signal, completion length and reward spread first.
 */
export interface MetricLayout {
  rewards: string[];
  evalScores: string[];
  evalLoss: string | null;
  others: string[];
}

/** Names of the trainer's reward spread, not a reward: it gets its own chart. */
const REWARD_APART = new Set(["reward/std"]);

export function layoutMetrics(names: string[]): MetricLayout {
  const rewards = names
    .filter((n) => n.startsWith("reward/") && !REWARD_APART.has(n))
    .sort((a, b) => Number(b === "reward/total") - Number(a === "reward/total") || a.localeCompare(b));
  const evalScores = names.filter((n) => n.startsWith("eval/") && n !== "eval/loss").sort();
  const evalLoss = names.includes("eval/loss") ? "eval/loss" : null;
  const grouped = new Set([...rewards, ...evalScores, ...(evalLoss ? [evalLoss] : [])]);
  let others = orderMetricNames(names.filter((n) => !grouped.has(n)));
  if (rewards.length) {
    // A GRPO run's loss says little; what its policy does to the rewards comes first.
    const first = GRPO_FIRST.filter((n) => others.includes(n));
    others = [...first, ...others.filter((n) => !first.includes(n))];
  }
  return { rewards, evalScores, evalLoss, others };
}

const GRPO_FIRST = ["kl", "groups/no_signal", "completion/mean_tokens", "reward/std"];

/** What a metric the trainers report means, for a chart's heading. */
export const METRIC_TITLES: Record<string, string> = {
  loss: "Training loss: cross-entropy of the answer tokens (SFT) or the policy loss (GRPO); lower is better",
  learning_rate: "Learning rate of the optimiser at each step (warm-up, then the schedule)",
  tokens_per_second: "Training throughput: real (non-padding) tokens per second",
  step_s: "Seconds per training step, as measured by the trainer",
  kl: "KL divergence from the reference model",
  "groups/no_signal": "Prompt groups without learning signal (all rewards equal)",
  "completion/mean_tokens": "Mean completion length (tokens)",
  "reward/std": "Reward spread (standard deviation)",
  "eval/loss": "Held-out loss",
};
