"""`tunix-rt import …` on both dialects: into the configured database, and through --api."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from httpx import AsyncClient

from tests.sources.conftest import count, gsm8k_file, jsonl_bytes, serving
from tests.sources.test_readers import JANET
from tunix_rt_backend.settings import Settings

# Each case runs the real command (and some a real server) in child processes.
pytestmark = pytest.mark.slow

MODEL_OUTPUTS = [
    {
        "id": 1,
        "q": "What is 2 + 3?",
        "gold": "5",
        "out": "<reasoning>2 + 3 = 5</reasoning><answer>5</answer>",
    },
    {
        "id": 2,
        "q": "What is 4 * 4?",
        "gold": "16",
        "out": "<reasoning>4 * 4 = 16</reasoning><answer>17</answer>",
    },
]
CLI_TIMEOUT_S = 120
OUTPUT_ARGS = [
    "--source",
    "eval",
    "--map",
    "prompt=q",
    "--map",
    "response=out",
    "--map",
    "reference_answer=gold",
    "--parser",
    "tags",
]


async def tunix_rt(*argv: str) -> int:
    """Run the ``tunix-rt`` command in a child process, as from a shell (in this process's
    environment); its output is written to ours, for ``capsys``. Never in a thread of the test
    process: a thread that ran SQLAlchemy's greenlets can hang the main thread when it ends."""
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("tunix-rt")),
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=CLI_TIMEOUT_S)
    sys.stdout.write(out.decode())
    sys.stderr.write(err.decode())
    assert process.returncode is not None
    return process.returncode


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNIX_RT_DATABASE_URL", database_url)


@pytest.mark.usefixtures("configured")
async def test_gsm8k_import_into_the_configured_database_then_again(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    path = gsm8k_file("test")
    assert await tunix_rt("import", "gsm8k", str(path)) == 0
    out = capsys.readouterr().out
    assert "test.jsonl: 1,319 records read, 1,319 new traces stored, 0 already stored" in out
    assert await count(client, **{"metadata.split": "test"}) == 1319

    # Without a path: the split that ships with the package (the same rows, so nothing new).
    assert await tunix_rt("import", "gsm8k", "--split", "test") == 0
    assert "0 new traces stored, 1,319 already stored (skipped)" in capsys.readouterr().out
    assert await count(client) == 1319

    assert await tunix_rt("import", "gsm8k", "--split", "dev") == 2
    assert "ships as train and test, not 'dev'; give the file's path" in capsys.readouterr().err
    assert await count(client) == 1319


@pytest.mark.usefixtures("configured")
async def test_model_outputs_and_invalid_lines_from_the_command_line(
    client: AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.jsonl"
    path.write_bytes(jsonl_bytes(MODEL_OUTPUTS) + b'{"q": "no output"}\n')

    assert await tunix_rt("import", "jsonl", str(path), *OUTPUT_ARGS) == 1
    err = capsys.readouterr().err
    assert "line 3: no value at 'out'" in err
    assert "--skip-invalid" in err
    assert await count(client) == 0

    assert await tunix_rt("import", "jsonl", str(path), *OUTPUT_ARGS, "--skip-invalid") == 0
    captured = capsys.readouterr()
    assert "3 records read, 2 new traces stored, 0 already stored (skipped), 1 invalid" in (
        captured.out
    )
    assert "line 3:" in captured.err
    wrong = (await client.get("/api/traces", params={"q": "4 * 4"})).json()["items"][0]
    assert (wrong["final_answer_preview"], wrong["reference_answer_preview"]) == ("17", "16")


async def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n")
    assert await tunix_rt("import", "jsonl", str(path), "--source", "s", "--map", "nope") == 2
    assert "FIELD=PATH" in capsys.readouterr().err
    assert await tunix_rt("import", "jsonl", str(path), "--source", "s", "--map", "prompt=q") == 2
    assert "no answer" in capsys.readouterr().err
    assert await tunix_rt("import", "gsm8k", str(tmp_path / "missing.jsonl")) == 2
    assert "is not a file" in capsys.readouterr().err


async def test_an_unreachable_database_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(jsonl_bytes([JANET]))
    # Port 9 (discard) has no PostgreSQL listening: the connection is refused at once.
    monkeypatch.setenv("TUNIX_RT_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:9/x")
    assert await tunix_rt("import", "gsm8k", str(path)) == 1
    assert "the configured database cannot be reached" in capsys.readouterr().err


async def test_api_sends_the_file_to_a_running_server(
    live_server: str, client: AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.jsonl"
    path.write_bytes(jsonl_bytes(MODEL_OUTPUTS))
    assert await tunix_rt("import", "jsonl", str(path), *OUTPUT_ARGS, "--api", live_server) == 0
    assert "2 records read, 2 new traces stored" in capsys.readouterr().out
    assert await count(client, source="eval") == 2

    assert await tunix_rt("import", "jsonl", str(path), *OUTPUT_ARGS, "--api", live_server) == 0
    assert "0 new traces stored, 2 already stored (skipped)" in capsys.readouterr().out

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(jsonl_bytes(MODEL_OUTPUTS[:1]) + b"not json\n")
    assert await tunix_rt("import", "jsonl", str(bad), *OUTPUT_ARGS, "--api", live_server) == 1
    assert "line 2: not valid JSON" in capsys.readouterr().err

    assert (
        await tunix_rt("import", "jsonl", str(path), *OUTPUT_ARGS, "--api", "http://127.0.0.1:9")
        == 1
    )
    assert "http://127.0.0.1:9" in capsys.readouterr().err


async def test_api_passes_the_gsm8k_options_on(
    live_server: str, client: AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(jsonl_bytes([JANET, {"question": "no answer"}]))
    argv = ["import", "gsm8k", str(path), "--split", "dev", "--keep-calculator-marks"]
    assert await tunix_rt(*argv, "--skip-invalid", "--api", live_server, "--api-key", "k") == 0
    captured = capsys.readouterr()
    assert "2 records read, 1 new traces stored, 0 already stored (skipped), 1 invalid" in (
        captured.out
    )
    assert "line 2: a GSM8K row needs 'question' and 'answer'" in captured.err
    [item] = (await client.get("/api/traces", params={"metadata.split": "dev"})).json()["items"]
    trace = (await client.get(f"/api/traces/{item['id']}")).json()
    assert "<<16-3-4=9>>" in trace["steps"][0]["content"]
    assert trace["metadata"] == {"split": "dev", "index": 0}


async def test_api_key_is_sent_to_a_server_that_requires_one(
    settings: Settings, client: AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "outputs.jsonl"
    path.write_bytes(jsonl_bytes(MODEL_OUTPUTS))
    with serving(settings.model_copy(update={"api_keys": ["s3cret"]})) as url:
        argv = ["import", "jsonl", str(path), *OUTPUT_ARGS, "--api", url]
        assert await tunix_rt(*argv) == 1
        assert "requires an API key" in capsys.readouterr().err
        assert await tunix_rt(*argv, "--api-key", "s3cret") == 0
        assert "2 new traces stored" in capsys.readouterr().out
    assert await count(client, source="eval") == 2
