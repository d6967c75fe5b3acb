// Starts real `tunix-rt serve` processes (from the repo's .venv), each on a fresh database and a
// free port, and seeds them through the REST API with GSM8K rows:
//   sqlite   a new SQLite file in a temporary folder (every spec runs here);
//   postgres a new database on the PostgreSQL at $TUNIX_RT_TEST_POSTGRES_DSN, with an API key
//            required (the traces spec runs here too). Without PostgreSQL those tests are skipped,
//            or fail under CI.
//   trainer  with E2E_TRAINER=1 (`make test-e2e-trainer`, `make screenshots`): a new SQLite file
//            and the real trainer's runs on it (e2e/trainer_runs.py: the tiny SFT -> GRPO loop on
//            generated arithmetic, about 2 minutes on 2 cores); otherwise its specs are skipped.
// Each server's address and seed summary reach the specs as E2E_<PROJECT>_URL / E2E_<PROJECT>_SEED.
// The returned function stops the servers and removes what they made.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { seed } from "./seed";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const python = process.env.TUNIX_RT_PYTHON ?? join(repo, ".venv", "bin", "python");
const adminDsn = process.env.TUNIX_RT_TEST_POSTGRES_DSN ?? "postgresql://postgres@127.0.0.1:5432/postgres";

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

/** Runs SQL on the PostgreSQL admin connection (through asyncpg in the backend's venv). */
function postgresAdmin(sql: string): void {
  const script =
    "import asyncio, sys, asyncpg\n" +
    "async def main():\n" +
    "    conn = await asyncpg.connect(sys.argv[1], timeout=5)\n" +
    "    try:\n" +
    "        await conn.execute(sys.argv[2])\n" +
    "    finally:\n" +
    "        await conn.close()\n" +
    "asyncio.run(main())\n";
  execFileSync(python, ["-c", script, adminDsn, sql], { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

interface Server {
  base: string;
  stop: () => Promise<void>;
}

async function startServer(
  bin: string,
  work: string,
  name: string,
  databaseUrl: string,
  apiKey: string | null = null,
): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = join(work, `${name}-server.log`);
  const out = openSync(log, "a");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TUNIX_RT_DATABASE_URL: databaseUrl,
    TUNIX_RT_DATASETS_DIR: join(work, `${name}-datasets`),
    TUNIX_RT_FRONTEND_DIST: join(repo, "frontend", "dist"),
  };
  // Keys from the caller's environment must not leak in; an empty value is not "no keys".
  delete env.TUNIX_RT_API_KEYS;
  delete env.TUNIX_RT_API_KEYS_FILE;
  if (apiKey) env.TUNIX_RT_API_KEYS = apiKey;
  const server = spawn(bin, ["serve", "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"], {
    cwd: repo,
    env,
    stdio: ["ignore", out, out],
  });
  const stop = async () => {
    if (server.exitCode !== null) return;
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
  };
  try {
    await waitForHealth(base, server, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(repo, "frontend", "dist", "index.html"))) {
    throw new Error("frontend/dist is not built: run `make install` (or `npm run build` in frontend/).");
  }
  const bin = process.env.TUNIX_RT_BIN ?? join(repo, ".venv", "bin", "tunix-rt");
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`make install\` first.`);

  const work = mkdtempSync(join(tmpdir(), "tunix-rt-e2e-"));
  const cleanups: (() => Promise<void> | void)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
  };

  try {
    const sqlite = await startServer(bin, work, "sqlite", `sqlite+aiosqlite:///${join(work, "e2e.db")}`);
    cleanups.push(sqlite.stop);
    process.env.E2E_SQLITE_URL = sqlite.base;
    process.env.E2E_SQLITE_SEED = JSON.stringify(await seed(sqlite.base));

    const database = `tunix_rt_e2e_${process.pid}_${Date.now().toString(36)}`;
    let created = false;
    try {
      postgresAdmin(`CREATE DATABASE "${database}"`);
      created = true;
    } catch (error) {
      const reason = `PostgreSQL is not reachable at ${adminDsn}: ${(error as Error).message.split("\n").slice(-3).join(" ")}`;
      if (process.env.CI) throw new Error(`${reason} (required under CI)`);
      process.env.E2E_POSTGRES_SKIP = reason;
    }
    if (created) {
      cleanups.push(() => postgresAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
      const url = `${adminDsn.replace(/^postgres(ql)?:\/\//, "postgresql+asyncpg://").replace(/\/[^/]*$/, "")}/${database}`;
      // This server also requires an API key, so the dashboard's key handling is driven too.
      const apiKey = `e2e-${Math.random().toString(36).slice(2)}`;
      const postgres = await startServer(bin, work, "postgres", url, apiKey);
      cleanups.push(postgres.stop);
      process.env.E2E_POSTGRES_URL = postgres.base;
      process.env.E2E_POSTGRES_API_KEY = apiKey;
      process.env.E2E_POSTGRES_SEED = JSON.stringify(await seed(postgres.base, apiKey));
    }
    if (process.env.E2E_TRAINER) {
      const trainer = await startServer(bin, work, "trainer", `sqlite+aiosqlite:///${join(work, "trainer.db")}`);
      cleanups.push(trainer.stop);
      process.env.E2E_TRAINER_URL = trainer.base;
      process.env.E2E_TRAINER_SEED = trainerRuns(trainer.base, join(work, "trainer-runs"));
    } else {
      process.env.E2E_TRAINER_SKIP = "the real trainer's runs are made with E2E_TRAINER=1 (make test-e2e-trainer)";
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

/** Runs e2e/trainer_runs.py against the server; the JSON of the runs it made. */
function trainerRuns(base: string, work: string): string {
  const output = execFileSync(python, [join(here, "trainer_runs.py"), base, work], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, JAX_PLATFORMS: "cpu" },
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = output.split("\n").find((l) => l.startsWith("E2E_TRAINER "));
  if (!line) throw new Error(`e2e/trainer_runs.py reported no runs:\n${output.slice(-4000)}`);
  return line.slice("E2E_TRAINER ".length);
}
