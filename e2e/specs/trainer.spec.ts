// The run, rollout, evaluation and compare pages on runs the real trainer made (global setup runs
// e2e/trainer_runs.py with E2E_TRAINER=1: tiny SFT -> GRPO on generated arithmetic, evaluations of
// both checkpoints). Every number checked here came from Tunix, not from a seed.
import { expect, test } from "../fixtures";

interface TrainerRuns {
  sftRunId: string;
  grpoRunId: string;
}

const runs = (): TrainerRuns => JSON.parse(process.env.E2E_TRAINER_SEED ?? "{}") as TrainerRuns;
const NUMBER = String.raw`-?\d+(\.\d+)?`;
const CHANGE = String.raw`(▲ \+|▼ −|±)`;

test.describe("runs made by the real trainer", () => {
  test("the runs list reports each run by what it trains for, and its dataset", async ({ page, shot }) => {
    await page.goto("/runs");
    const grpo = page.getByRole("row", { name: /arith-grpo/ });
    const sft = page.getByRole("row", { name: /arith-sft/ });
    await expect(grpo).toContainText(new RegExp(`reward ${NUMBER}`));
    await expect(sft).toContainText(new RegExp(`loss ${NUMBER}`));
    await expect(grpo).toContainText(new RegExp(`answer_match ${NUMBER} → ${NUMBER} \\((\\+|−|±)`));
    for (const row of [grpo, sft]) await expect(row.getByRole("link", { name: "arith-v1" })).toBeVisible();
    await shot("20-runs");
  });

  test("an SFT run says whether it worked, without GRPO-only config", async ({ page, shot }) => {
    const { sftRunId } = runs();
    await page.goto(`/runs/${sftRunId}`);
    const outcome = page.getByRole("region", { name: "Did it work?" });
    await expect(outcome).toContainText(new RegExp(`Training loss${NUMBER} → ${NUMBER} ▼ −`));
    await expect(outcome).toContainText(new RegExp(`Held-out answer_match.*${NUMBER} → .*${NUMBER} ${CHANGE}`));
    await expect(outcome).toContainText("step 0 → 150");
    // The evaluation of its checkpoint, shown where one asks whether it worked.
    await expect(outcome.getByRole("link", { name: "arith-sft on eval" })).toBeVisible();
    const config = page.getByRole("region", { name: "Config (resolved)" });
    await expect(config).toContainText("Left out: grpo, rollout, rewards");
    await expect(config).not.toContainText('"num_generations"');
    await expect(page.getByText(/^Learning rate of the optimiser/)).toBeVisible();
    // Held-out scores on their own axes, a dot per evaluation (steps 0, 50, 100, 150).
    const heldOut = page.getByRole("region", { name: "Held-out evaluation" });
    await expect(heldOut.getByRole("img", { name: /^eval\/answer_match: 4 points/ }).locator("circle.chart-marker")).toHaveCount(4);
    await shot("21-sft-run");
  });

  test("a GRPO run shows its reward against its range, and its rollouts read right", async ({ page, shot }) => {
    const { grpoRunId, sftRunId } = runs();
    await page.goto(`/runs/${grpoRunId}`);
    await expect(page.getByRole("link", { name: "arith-sft" }).first()).toHaveAttribute("href", `/runs/${sftRunId}`);
    const outcome = page.getByRole("region", { name: "Did it work?" });
    await expect(outcome).toContainText(new RegExp(`Mean reward \\(training\\)${NUMBER} → ${NUMBER} ${CHANGE}`));
    await expect(outcome).toContainText("· of 2");
    await expect(outcome).toContainText(/Held-out answer_match.*step 0 → 6 · of 1/);
    const heldOut = page.getByRole("region", { name: "Held-out evaluation" });
    const chart = heldOut.getByRole("img", { name: /^eval\/answer_match: 3 points/ });
    await expect(chart.locator("circle.chart-marker")).toHaveCount(3);
    // Its y axis is the scorer's whole range, 0 to 1.
    await expect(chart.locator('text.chart-tick[text-anchor="end"]').last()).toHaveText("1");
    await expect(chart.locator('text.chart-tick[text-anchor="end"]').first()).toHaveText("0");

    const rollouts = page.getByRole("region", { name: "Rollouts" });
    await expect(rollouts.getByText("1 × format_exact + 1 × answer_match")).toBeVisible();
    await expect(rollouts).toContainText("(from 0 to 2)");
    const group = rollouts.getByRole("region", { name: "Group 0" });
    await expect(group).toContainText(new RegExp(`group mean reward ${NUMBER} of 2`));
    await expect(group.getByRole("article").first()).toContainText(new RegExp(`reward ${NUMBER} of 2`));
    await expect(group.locator(".score-chip.score-0, .score-chip.score-4").first()).toBeVisible();
    await shot("22-grpo-run");

    // A step without rollouts says so and shows the nearest one.
    await page.goto(`/runs/${grpoRunId}?step=4`);
    await expect(page.getByText("No rollouts were kept at step 4; showing step 3, the nearest step that has them.")).toBeVisible();

    // A completion's trace leads back to its run and step.
    await page.getByRole("region", { name: "Group 0" }).getByRole("link", { name: "Open the trace of completion 0" }).click();
    const back = page.getByRole("link", { name: /arith-grpo · rollouts of step 3/ });
    await expect(back).toHaveAttribute("href", `/runs/${grpoRunId}?step=3#rollouts`);
    await expect(page.getByRole("region", { name: "Details" }).getByRole("link", { name: "arith-grpo" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Details" }).locator(".kv-nested")).toContainText("answer_match");
    await shot("23-rollout-trace");
  });

  test("the two checkpoints' evaluations compare by name, and wrong answers show their output", async ({ page, shot }) => {
    await page.goto("/evaluations");
    await page.getByRole("checkbox", { name: /arith-sft on eval/ }).check();
    await page.getByRole("checkbox", { name: /arith-grpo on eval/ }).check();
    await page.getByRole("button", { name: /Compare before\/after/ }).click();
    await expect(page.getByRole("row", { name: /answer_match/ }).first()).toContainText(/\d/);
    await shot("24-evaluation-compare");

    await page.goto("/evaluations");
    await page.getByRole("link", { name: "arith-grpo on eval" }).click();
    const items = page.getByRole("region", { name: "Items" });
    await items.getByLabel("Show").selectOption({ label: "Wrong answers (answer_match 0)" });
    await expect(items.getByText(/^Showing \d+ of \d+ \(wrong answers/)).toBeVisible();
    await items.locator("summary").first().click();
    await expect(items.getByLabel("Response").first()).toContainText("<answer>");
    await shot("25-evaluation");
  });

  test("at 390 px the header is one row, charts stay readable and nothing scrolls sideways", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/runs/${runs().grpoRunId}`);
    await expect(page.getByRole("region", { name: "Did it work?" })).toBeVisible();
    const header = await page.locator(".sidebar").boundingBox();
    expect(header!.height).toBeLessThan(80);
    const tick = page.locator("text.chart-tick").first();
    await expect(tick).toBeVisible();
    const box = await tick.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(9);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
