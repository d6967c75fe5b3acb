"""Where traces come from: GSM8K, users' JSONL files and model outputs, UNGAR game episodes,
generated arithmetic problems.

- ``importer``: the shared streaming import (lines → validated traces → one transaction).
- ``gsm8k`` / ``jsonl``: turn one parsed JSON line into a ``TraceCreate``.
- ``router``: ``POST /api/traces/import`` (the uploaded body is streamed, never buffered).
- ``commands``: what ``tunix-rt import …`` does, on the configured database or a server.
- ``ungar`` / ``ungar_router``: High Card Duel episodes as traces (UNGAR is optional).
- ``arithmetic`` / ``arithmetic_router`` / ``arithmetic_command``: generated arithmetic word
  problems (``contracts.arithmetic``) stored as traces, over HTTP and from ``tunix-rt import``.
"""
