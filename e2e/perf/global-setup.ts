// Starts serve_million.py (PostgreSQL with a million traces, loaded by COPY) and hands its address
// to the perf specs in E2E_PERF_URL.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

export default async function globalSetup(): Promise<() => Promise<void>> {
  const rows = process.env.E2E_PERF_ROWS ?? "1000000";
  const python = process.env.TUNIX_RT_PYTHON ?? join(repo, ".venv", "bin", "python");
  const child = spawn(python, [join(here, "serve_million.py"), "--rows", rows], {
    cwd: join(repo, "backend"),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      process.stdout.write(chunk);
      const match = /READY (\S+)/.exec(buffer);
      if (match) resolveUrl(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`serve_million.py exited with ${code}`)));
  });
  process.env.E2E_PERF_URL = url;
  process.env.E2E_PERF_ROWS = rows;
  return async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
}
