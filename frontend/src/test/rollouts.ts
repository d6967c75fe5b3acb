// Fixtures: a GRPO run's rollout steps as the API returns them, and the scorers (with ranges).

export const SCORERS = [
  { name: "answer_match", version: "2", description: "1 if the answer matches.", min_value: 0, max_value: 1 },
  { name: "format_exact", version: "2", description: "1 if the format is exact.", min_value: 0, max_value: 1 },
  { name: "baseline", version: "1", description: "Structure, 0-100.", min_value: 0, max_value: 100 },
];

export const ROLLOUT_STEPS = {
  steps: [
    { step: 10, groups: 1, completions: 2, reward_mean: 0.5, scores: { answer_match: 0.5, format_exact: 0.5 } },
    { step: 20, groups: 2, completions: 4, reward_mean: 2.25, scores: { answer_match: 0.75, format_exact: 1 } },
  ],
};

const completion = (index: number, answer: string, advantage: number, reward: number, right: boolean) => ({
  trace_id: `0190e7a1-0000-7000-8000-00000000c${index}${answer}`,
  index,
  response: `<reasoning>Half of 76 is 38.\nSo the answer is ${answer}.</reasoning><answer>${answer}</answer>`,
  final_answer: answer,
  advantage,
  reward,
  scores: { answer_match: right ? 1 : 0, format_exact: 1 },
});

export function rolloutStep(step: number) {
  return {
    step,
    scorers: ["answer_match", "format_exact"],
    weights: { answer_match: 2, format_exact: 1 },
    groups: [
      {
        group: 0,
        item_id: "gsm8k-train-7",
        prompt: "A farmer has 76 sheep and sells half. How many are left?",
        reference_answer: "38",
        completions: [completion(0, "38", 0.87, 3, true), completion(1, "37", -0.87, 1, false)],
      },
      {
        group: 1,
        item_id: "gsm8k-train-9",
        prompt: "What is 19 + 19?",
        reference_answer: "38",
        completions: [completion(0, "38", 0, 3, true), completion(1, "38", 0, 3, true)],
      },
    ],
  };
}
