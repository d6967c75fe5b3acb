#!/usr/bin/env python3
"""Run a command under a wall-clock limit, for the suites of `make test`.

    python3 scripts/limited.py NAME SECONDS COMMAND [ARG ...]

The command runs in a process group of its own (no terminal, standard input from /dev/null, so
that nothing in it can stop waiting for a key). Ctrl-C and SIGTERM are passed on to the whole
group. When the limit passes, the line ``NAME overran its limit of SECONDS s`` is printed, the
group is sent SIGTERM, then SIGKILL 30 s later, and the exit status is 124 (as timeout(1)'s).
Otherwise the exit status is the command's, and whatever it left running in its group is sent
SIGTERM.

The suites dump every thread's stack themselves before this fires: each pytest test has its
own limit (pytest-timeout) and a pytest process that does not exit after its session arms
faulthandler (see the suites' conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

GRACE_S = 30.0


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    name, limit_text, command = argv[0], argv[1], argv[2:]
    limit = float(limit_text)
    started: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in started:
            _signal_group(child.pid, signum)

    # Caught here before the command starts, so that it starts with the default actions even
    # where this process was started with them ignored (a background job of a script, nohup):
    # the suites check what Ctrl-C does to a training run.
    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    started.append(child)
    try:
        code = child.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        pass
    else:
        _signal_group(child.pid, signal.SIGTERM)  # whatever the suite left running
        return code
    print(
        f"\n==> {name} overran its limit of {limit:.0f} s: stopping it (SIGTERM, then SIGKILL "
        f"after {GRACE_S:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    _signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_S
    while child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    _signal_group(child.pid, signal.SIGKILL)
    child.wait()
    return 124


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
