"""Validate a `tunix_sft` export before training on it; exit non-zero on any bad record.

    python backend/training/sft_smoke.py FILE [--samples N]

Checks every line: JSON, the exact field set, the Gemma turn markers, prompt + completion ==
prompts, and the response format. Prints the first N records as a Tunix trainer would see them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tunix_rt_backend.contracts.validate import tunix_sft_problems

SHOWN_PROBLEMS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--samples", type=int, default=2, help="records to print (default 2)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"sft_smoke: no such file {args.file}", file=sys.stderr)
        return 2
    total = bad = 0
    with args.file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            total += 1
            try:
                problems = tunix_sft_problems(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                problems = [f"not JSON: {exc}"]
            if problems:
                bad += 1
                if bad <= SHOWN_PROBLEMS:
                    print(f"line {number}: {'; '.join(problems)}", file=sys.stderr)
            elif number <= args.samples:
                record = json.loads(raw)
                print(f"--- record {record['id']} ---\n{record['prompts']}\n")
    if total == 0:
        print(f"sft_smoke: {args.file} holds no records", file=sys.stderr)
        return 1
    if bad:
        print(f"sft_smoke: {bad} of {total} records are bad", file=sys.stderr)
        return 1
    print(f"sft_smoke: all {total} records are valid tunix_sft records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
