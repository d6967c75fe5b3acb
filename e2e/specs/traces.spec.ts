import { expect, test } from "../fixtures";

test.describe("traces loop", () => {
  test("browse, filter, open a trace, run a scorer, compare two", async ({
    page,
    apiHeaders,
    seeded,
    tracesPage,
    tracePage,
    shot,
  }) => {
    // Browse: the newest traces first, with a count of everything stored.
    // Other specs may have imported traces already: the count is whatever the server holds now.
    const { count: total } = (await (await page.request.get("/api/traces/count", { headers: apiHeaders })).json()) as { count: number };
    await tracesPage.goto();
    await expect(tracesPage.subtitle()).toHaveText(`${total.toLocaleString("en-US")} traces`);
    await expect(tracesPage.rows).toHaveCount(50);
    await shot("01-traces");

    // Keyset pagination: the next page is appended.
    await page.getByRole("button", { name: "Load more" }).click();
    await expect(tracesPage.rows).toHaveCount(100);
    await expect(page.getByText(`Showing 100 of ${total.toLocaleString("en-US")}`)).toBeVisible();

    // Filter by source and metadata: the URL carries the filters, the count follows.
    await tracesPage.filter({ source: "gsm8k", metadata: "split=test index=0" });
    await expect(page).toHaveURL(/source=gsm8k/);
    await expect(tracesPage.subtitle()).toHaveText("1 trace match these filters");
    await expect(tracesPage.rows).toHaveCount(1);
    await expect(page.getByRole("list", { name: "Active filters" })).toContainText("index = 0");

    // Text search across both sources finds the question and the model's answer to it.
    await tracesPage.filter({ source: "", metadata: "", text: seeded.question.slice(0, 30) });
    await expect(tracesPage.rows).toHaveCount(2);
    await shot("02-traces-filtered");

    // Open the reference trace: prompt, reasoning and answers are shown apart.
    await tracesPage.row("gsm8k").getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/traces/${seeded.referenceId}$`));
    await expect(page.getByRole("region", { name: "Prompt" })).toContainText(seeded.question.slice(0, 40));
    await expect(page.getByRole("list", { name: "Reasoning steps" }).getByRole("listitem")).not.toHaveCount(0);
    await expect(page.getByText("No scores yet.")).toBeVisible();

    // Run a scorer: its score appears in the table, and answer_match marks the answer.
    await tracePage.runScorer("answer_match");
    await expect(tracePage.scores()).toContainText("answer_match");
    await expect(page.getByText("matches reference")).toBeVisible();
    await tracePage.addHumanScore("1", "correct");
    await expect(tracePage.scores()).toContainText("correct");
    await shot("03-trace");

    // Score the model's answer too, then compare the two from the list.
    await page.goto(`/traces/${seeded.evalId}`);
    await tracePage.runScorer("answer_match");
    await expect(page.getByText("does not match")).toBeVisible();

    await tracesPage.goto(`?q=${encodeURIComponent(seeded.question.slice(0, 30))}`);
    await tracesPage.row("gsm8k").getByRole("checkbox").check();
    await tracesPage.row("eval").getByRole("checkbox").check();
    await page.getByRole("button", { name: /^Compare/ }).click();
    await expect(page).toHaveURL(/\/compare\?base=.+&other=.+/);
    await expect(page.getByRole("heading", { level: 1, name: "Compare traces" })).toBeVisible();

    // Differences are highlighted and the score delta is other − base.
    const answer = page.getByRole("region", { name: "Final answer" });
    await expect(answer).toContainText("differs");
    await expect(answer.locator("ins, del")).not.toHaveCount(0);
    await expect(page.getByRole("region", { name: "Reasoning steps" })).toContainText("rows differ");
    await expect(page.getByRole("row", { name: /answer_match/ })).toContainText("−1");
    await shot("04-compare");
  });

  test("delete a trace after confirming", async ({ page, tracesPage }) => {
    await tracesPage.goto("?source=gsm8k&meta=split%3Dtest&meta=index%3D7");
    await expect(tracesPage.rows).toHaveCount(1);
    await tracesPage.rows.first().getByRole("link").click();
    await page.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("alertdialog", { name: "Delete this trace?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Delete trace" }).click();
    await expect(page).toHaveURL(/\/traces$/);
    await tracesPage.goto("?source=gsm8k&meta=split%3Dtest&meta=index%3D7");
    await expect(page.getByText("No traces match these filters")).toBeVisible();
  });

  test("client-side routes load directly and unknown ones say so", async ({ page }) => {
    await page.goto("/compare");
    await expect(page.getByRole("form", { name: "Choose two traces" })).toBeVisible();
    await page.goto("/traces/00000000-0000-0000-0000-000000000000");
    await expect(page.getByText("Trace not found")).toBeVisible();
    await page.goto("/no/such/page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });

  test("asks for the API key when the server requires one", async ({ page }, testInfo) => {
    const key = process.env[`E2E_${testInfo.project.name.toUpperCase()}_API_KEY`];
    test.skip(!key, "this project's server requires no API key");
    await page.goto("/traces");
    const dialog = page.getByRole("dialog", { name: "This server requires an API key" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("textbox", { name: "API key" }).fill("wrong");
    await dialog.getByRole("button", { name: "Use this key" }).click();
    await expect(page.getByRole("dialog", { name: "The API key was not accepted" })).toBeVisible();
    await page.getByRole("textbox", { name: "API key" }).fill(key!);
    await page.getByRole("button", { name: "Use this key" }).click();
    await expect(page.getByRole("dialog")).toBeHidden();
    await expect(page.locator("tbody tr").first()).toBeVisible();
    await expect(page.getByText("API key set")).toBeVisible();
  });
});
