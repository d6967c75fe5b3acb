import { expect, test } from "../fixtures";

test.describe("a GRPO run", () => {
  test("shows its reward curves, held-out scores and rollouts, each completion linked to its trace", async ({
    page,
    seeded,
    shot,
  }) => {
    await page.goto("/runs");
    const row = page.getByRole("row", { name: /gemma3-1b-gsm8k-grpo/ });
    await expect(row).toContainText("GRPO");
    await expect(page.getByRole("row", { name: /gemma3-1b-gsm8k-sft-long/ })).toContainText("SFT");
    await row.getByRole("link", { name: "gemma3-1b-gsm8k-grpo" }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${seeded.grpoRunId}$`));

    // The run it started from, and the curves the GRPO trainer reports.
    await expect(page.getByText("started from")).toBeVisible();
    await expect(page.getByRole("link", { name: "gemma3-1b-gsm8k-sft", exact: true })).toHaveAttribute("href", `/runs/${seeded.runId}`);
    const rewards = page.getByRole("img", { name: /^rewards: reward\/total: 21 points/ });
    await expect(rewards).toBeVisible();
    await expect(rewards).toHaveAccessibleName(/reward\/answer_match: 21 points, from 0.3 at step 0/);
    await expect(rewards).toHaveAccessibleName(/reward\/format_exact: 21 points/);
    for (const name of ["kl", "groups/no_signal", "completion/mean_tokens"]) {
      await expect(page.getByRole("img", { name: new RegExp(`^${name}: 21 points`) })).toBeVisible();
    }
    const heldOut = page.getByRole("region", { name: "Held-out evaluation" });
    await expect(heldOut.getByRole("img", { name: /^eval\/answer_match: 5 points/ })).toBeVisible();
    await expect(heldOut.getByRole("img", { name: /^eval\/answer_match: 5 points/ }).locator("circle.chart-marker")).toHaveCount(5);

    // Above the charts: did it work? The reward and each held-out score, first to last.
    const outcome = page.getByRole("region", { name: "Did it work?" });
    await expect(outcome).toContainText("Mean reward (training)");
    await expect(outcome).toContainText("Held-out answer_match");
    await expect(outcome).toContainText("step 0 → 100");

    // The rollout browser opens the newest step; its groups show their completions side by side.
    const rollouts = page.getByRole("region", { name: "Rollouts" });
    const picker = rollouts.getByLabel("Step");
    await expect(picker).toHaveValue("100");
    await expect(picker.getByRole("option")).toHaveText(
      seeded.rolloutSteps.map((s) => new RegExp(`^step ${s} · mean reward \\d`)).reverse(),
    );
    const group = rollouts.getByRole("region", { name: "Group 0" });
    await expect(group.getByRole("article")).toHaveCount(4);
    const first = group.getByRole("article", { name: "Completion 0" });
    await expect(first).toContainText("reward 3");
    await expect(first.locator(".advantage-positive")).toBeVisible();
    await expect(first.getByRole("list", { name: "Scores" })).toContainText("answer_match 1");
    await expect(group.getByRole("article", { name: "Completion 3" }).locator(".advantage-negative")).toBeVisible();
    await expect(rollouts.getByRole("region", { name: "Group 2" })).toContainText("no learning signal");
    await first.scrollIntoViewIfNeeded();
    await shot("12-grpo-run");

    // An earlier step, chosen from the picker, is kept in the URL.
    await picker.selectOption("25");
    await expect(page).toHaveURL(/\?step=25$/);
    await expect(rollouts.getByRole("region", { name: "Group 0" }).getByRole("article", { name: "Completion 2" })).toContainText(
      "So the answer is",
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("13-grpo-run-390px");
    await page.setViewportSize({ width: 1440, height: 900 });

    // Each completion is a trace like any other.
    await picker.selectOption("100");
    await rollouts.getByRole("region", { name: "Group 0" }).getByRole("link", { name: "Open the trace of completion 0" }).click();
    await expect(page).toHaveURL(new RegExp(`/traces/${seeded.rolloutTraceId}$`));
    await expect(page.getByText("rollout").first()).toBeVisible();
    await expect(page.getByRole("region", { name: "Prompt" })).toBeVisible();
    // Back leads to the run, at the step the completion came from.
    const back = page.getByRole("link", { name: /gemma3-1b-gsm8k-grpo · rollouts of step 100/ });
    await expect(back).toHaveAttribute("href", `/runs/${seeded.grpoRunId}?step=100#rollouts`);
    await shot("14-rollout-trace");
    await back.click();
    await expect(page.getByRole("region", { name: "Rollouts" }).getByLabel("Step")).toHaveValue("100");
  });
});
