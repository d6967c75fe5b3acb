import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `npm run perf`: the dashboard over a million traces on PostgreSQL (minutes to load; not part
// of `make test`). E2E_PERF_ROWS changes the size.
export default defineConfig({
  ...base,
  testDir: "./perf",
  testMatch: /.*\.perf\.ts/,
  globalSetup: "./perf/global-setup.ts",
  projects: undefined,
  retries: 0,
  timeout: 300_000,
  reporter: [["list"]],
});
