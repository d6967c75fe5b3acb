import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gsm8kDir } from "../seed";
import { expect, test } from "../fixtures";

test.describe("the whole loop", () => {
  test("import GSM8K from a file, then build a dataset and see its export", async ({ page, tracesPage, shot }, testInfo) => {
    // A slice of GSM8K's train split, uploaded through the import panel.
    const rows = readFileSync(join(gsm8kDir(), "train.jsonl"), "utf8").split("\n").filter(Boolean).slice(0, 40);
    const file = testInfo.outputPath("gsm8k-train-slice.jsonl");
    writeFileSync(file, rows.join("\n") + "\n");

    await tracesPage.goto();
    await page.getByRole("button", { name: "Import" }).click();
    const panel = page.getByRole("form", { name: "Import traces from a file" });
    await panel.getByLabel("JSONL file").setInputFiles(file);
    await expect(panel.getByLabel("Split (stored in metadata)")).toHaveValue("train");
    await panel.getByRole("button", { name: "Import" }).click();
    await expect(panel.getByRole("status")).toContainText("40 new");
    await shot("05-import");

    await tracesPage.filter({ source: "gsm8k", metadata: "split=train" });
    await expect(tracesPage.subtitle()).toHaveText("40 traces match these filters");

    // Build a dataset from exactly these filters: the form starts from them and previews the count.
    await page.getByRole("link", { name: "Build dataset" }).click();
    const form = page.getByRole("form", { name: "Build a dataset" });
    await expect(form.getByLabel("Source")).toHaveValue("gsm8k");
    await form.getByLabel("Dataset name").fill("e2e-gsm8k");
    await form.getByLabel("Limit").fill("30");
    await expect(form.getByRole("status")).toContainText("40 traces match · 30 would be selected");
    await shot("06-dataset-build");
    await form.getByRole("button", { name: "Build dataset" }).click();

    await expect(page).toHaveURL(/\/datasets\/e2e-gsm8k-1$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("e2e-gsm8k-1");
    await expect(page.locator(".stat").first()).toContainText("30");
    // The sample record is the tunix_sft rendering: the Gemma turn, reasoning and answer tags.
    const sample = page.getByLabel("Sample record");
    await expect(sample).toContainText("<start_of_turn>user");
    await expect(sample).toContainText("<reasoning>");
    await expect(page.getByRole("link", { name: "Download JSONL" })).toHaveAttribute("href", /format=tunix_sft/);
    await shot("07-dataset");

    await page.getByLabel("Format").selectOption("chat");
    await expect(sample).toContainText("assistant");
    await page.getByLabel("Split").selectOption("eval");
    await expect(page.getByRole("link", { name: "Download JSONL" })).toHaveAttribute("href", /split=eval/);

    await page.goto("/datasets");
    await expect(page.getByRole("link", { name: "e2e-gsm8k-1" })).toBeVisible();
  });

  test("a run with metrics shows its curves", async ({ page, seeded, shot }) => {
    await page.goto("/runs");
    await expect(page.getByRole("link", { name: "gemma3-1b-gsm8k-sft", exact: true })).toBeVisible();
    await expect(page.getByRole("row", { name: /gemma3-1b-gsm8k-sft-long/ })).toContainText("running");
    await shot("08-runs");
    await page.getByRole("link", { name: "gemma3-1b-gsm8k-sft", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${seeded.runId}$`));
    await expect(page.getByRole("img", { name: /^loss: 41 points/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /^learning_rate: 41 points/ })).toBeVisible();
    await expect(page.getByRole("img", { name: /^tokens_per_second/ })).toBeVisible();
    await expect(page.getByRole("region", { name: "Artifacts" })).toContainText("checkpoints/200");
    await shot("09-run");
  });

  test("an evaluation comparison lists the fixed items and opens them side by side", async ({ page, seeded, shot }) => {
    await page.goto("/evaluations");
    await page.getByRole("checkbox", { name: /gsm8k-test-base/ }).check();
    await page.getByRole("checkbox", { name: /gsm8k-test-sft/ }).check();
    await page.getByRole("button", { name: /Compare before\/after/ }).click();
    await expect(page).toHaveURL(new RegExp(`before=${seeded.beforeEvalId}&after=${seeded.afterEvalId}`));

    const key = page.getByRole("row", { name: /answer_match/ });
    await expect(key).toContainText("+0.25");
    const fixed = page.getByRole("tabpanel");
    for (const item of seeded.fixed) await expect(fixed).toContainText(item);
    await expect(page.getByRole("tab", { name: /Broken/ })).toContainText(String(seeded.broken.length));
    await shot("10-evaluation-compare");

    await fixed.getByRole("link", { name: `Open item ${seeded.fixed[0]} before and after side by side` }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Compare traces" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Final answer" })).toContainText("differs");
    await shot("10b-evaluation-compare-item");

    // One evaluation: its wrong answers only, each with what the model wrote.
    await page.goto(`/evaluations/${seeded.beforeEvalId}`);
    const items = page.getByRole("region", { name: "Items" });
    await items.getByLabel("Show").selectOption({ label: "Wrong answers (answer_match 0)" });
    await expect(page).toHaveURL(/show=answer_match%3Aworst/);
    await expect(items.getByText(/^Showing \d+ of \d+ \(wrong answers/)).toBeVisible();
    await items.locator("summary").first().click();
    await expect(items.getByLabel("Response").first()).toBeVisible();
    await shot("10c-evaluation-wrong-answers");
  });

  test("the UNGAR panel says when UNGAR is not installed", async ({ page, shot }) => {
    await page.goto("/ungar");
    await expect(page.getByText("Not Installed")).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
    await shot("11-ungar");
  });
});
