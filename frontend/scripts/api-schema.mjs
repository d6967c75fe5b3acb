// Regenerates src/api/schema.d.ts from the backend's live OpenAPI schema (`write`), or fails when
// the committed file has drifted from it (`check`). The schema is produced by importing the backend
// package, so no server needs to run. Python: $TUNIX_RT_PYTHON, else ../.venv/bin/python, else python3.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const backend = resolve(frontend, "..", "backend");
const target = resolve(frontend, "src", "api", "schema.d.ts");

const DUMP = `
import json
from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings
app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
print(json.dumps(app.openapi(), sort_keys=True))
`;

function python() {
  if (process.env.TUNIX_RT_PYTHON) return process.env.TUNIX_RT_PYTHON;
  const venv = resolve(frontend, "..", ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

export async function generate() {
  const raw = execFileSync(python(), ["-c", DUMP], {
    cwd: backend,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ast = await openapiTS(JSON.parse(raw), { alphabetize: true });
  const header =
    "// Generated from the backend OpenAPI schema by `npm run gen:api`. Do not edit by hand;\n" +
    "// `npm run check:api` (part of `make test`) fails when this file and the backend disagree.\n\n";
  return header + astToString(ast);
}

const mode = process.argv[2] ?? "check";
const fresh = await generate();
if (mode === "write") {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
} else {
  const current = existsSync(target) ? readFileSync(target, "utf8") : "";
  if (current !== fresh) {
    console.error(
      "src/api/schema.d.ts is out of date with the backend's OpenAPI schema.\n" +
        "Run `npm run gen:api` in frontend/ and commit the result (then fix any type errors).",
    );
    process.exit(1);
  }
  console.log("API client types match the backend OpenAPI schema.");
}
