// Starts a real `tunix-rt serve` (from the repo's .venv) on a fresh SQLite database in a temporary
// folder and a free port, seeds it through the REST API with GSM8K rows, and hands the address to
// the specs in E2E_BASE_URL. The returned function stops the server and removes the folder.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { seed } from "./seed";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base: string, server: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`tunix-rt serve exited with ${server.exitCode}:\n${readFileSync(log, "utf8").slice(-4000)}`);
    }
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tunix-rt serve did not become healthy in 60 s:\n${readFileSync(log, "utf8").slice(-4000)}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(repo, "frontend", "dist", "index.html"))) {
    throw new Error("frontend/dist is not built: run `make install` (or `npm run build` in frontend/).");
  }
  const bin = process.env.TUNIX_RT_BIN ?? join(repo, ".venv", "bin", "tunix-rt");
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`make install\` first.`);

  const work = mkdtempSync(join(tmpdir(), "tunix-rt-e2e-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = join(work, "server.log");
  const out = openSync(log, "a");
  const databaseUrl = process.env.E2E_DATABASE_URL ?? `sqlite+aiosqlite:///${join(work, "e2e.db")}`;
  const server = spawn(bin, ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"], {
    cwd: repo,
    env: {
      ...process.env,
      TUNIX_RT_DATABASE_URL: databaseUrl,
      TUNIX_RT_DATASETS_DIR: join(work, "datasets"),
      TUNIX_RT_FRONTEND_DIST: join(repo, "frontend", "dist"),
    },
    stdio: ["ignore", out, out],
  });

  const stop = async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise<void>((r) => {
        const timer = setTimeout(() => {
          server.kill("SIGKILL");
          r();
        }, 5_000);
        server.once("exit", () => {
          clearTimeout(timer);
          r();
        });
      });
    }
    if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
  };

  try {
    await waitForHealth(base, server, log);
    const seeded = await seed(base);
    process.env.E2E_BASE_URL = base;
    process.env.E2E_SEED = JSON.stringify(seeded);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
