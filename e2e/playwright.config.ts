import { defineConfig } from "@playwright/test";

// Debian's Chromium (installed by e2e.mk with apt when missing); Playwright's own browser
// downloads are not used. CHROMIUM_PATH overrides the location.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./specs",
  // Starts `tunix-rt serve` on fresh SQLite and PostgreSQL databases and free ports, and seeds
  // them through the API (see the file).
  globalSetup: "./global-setup.ts",
  // One server, one browser: the suite is small, and CI has two cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  // The same app on both databases: every spec on SQLite, the traces loop on PostgreSQL too.
  // The trainer project's pages show runs the real trainer made (E2E_TRAINER=1; skipped without).
  projects: [
    { name: "sqlite", testIgnore: /trainer\.spec\.ts/ },
    { name: "postgres", testMatch: /traces\.spec\.ts/ },
    { name: "trainer", testMatch: /trainer\.spec\.ts/, timeout: 60_000 },
  ],
  use: {
    browserName: "chromium",
    viewport: { width: 1440, height: 900 },
    colorScheme: "light",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
