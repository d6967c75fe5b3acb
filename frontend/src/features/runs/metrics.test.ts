import { describe, expect, it } from "vitest";
import { layoutMetrics } from "./metrics";

describe("layoutMetrics", () => {
  it("puts rewards together (total first), held-out evaluation apart, GRPO's own curves before loss", () => {
    const layout = layoutMetrics([
      "reward/format_exact",
      "kl",
      "eval/format_exact",
      "reward/std",
      "loss",
      "reward/total",
      "groups/no_signal",
      "eval/loss",
      "reward/answer_match",
      "eval/answer_match",
      "learning_rate",
      "completion/mean_tokens",
    ]);
    expect(layout.rewards).toEqual(["reward/total", "reward/answer_match", "reward/format_exact"]);
    expect(layout.evalScores).toEqual(["eval/answer_match", "eval/format_exact"]);
    expect(layout.evalLoss).toBe("eval/loss");
    expect(layout.others).toEqual(["kl", "groups/no_signal", "completion/mean_tokens", "reward/std", "loss", "learning_rate"]);
  });

  it("leaves an SFT run's metrics as they were", () => {
    expect(layoutMetrics(["learning_rate", "loss"])).toEqual({
      rewards: [],
      evalScores: [],
      evalLoss: null,
      others: ["loss", "learning_rate"],
    });
  });
});
