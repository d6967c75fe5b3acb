"""What ``sft`` feeds Tunix's ``PeftTrainer``: the batch stream with each batch's real-token
count (for tokens/s), the held-out records as batches (for the validation loss), and, over
several processes, a trainer that makes each global batch one array split over the mesh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jax
import numpy as np
from tunix.sft import peft_trainer

from tunix_rt_training import data as data_lib
from tunix_rt_training import distributed
from tunix_rt_training.config import Config


class TokenCounter:
    """Wraps the batch stream, remembering each batch's real-token count by batch index (the
    trainer skips already-trained batches on resume, so indices stay global)."""

    def __init__(self, stream: data_lib.BatchStream) -> None:
        self._stream = stream
        self.counts: dict[int, int] = {}

    def __iter__(self) -> Iterator[data_lib.Batch]:
        for index, batch in enumerate(self._stream):
            self.counts[index] = data_lib.batch_real_tokens(batch)
            if len(self.counts) > 4096:
                for old in sorted(self.counts)[:2048]:
                    del self.counts[old]
            yield batch

    def step_tokens(self, step: int, accumulation: int) -> int:
        first = (step - 1) * accumulation
        return sum(self.counts.get(first + i, 0) for i in range(accumulation))


def held_out_batches(
    config: Config, tokenizer: Any, records: list[data_lib.SftRecord] | None
) -> list[data_lib.Batch]:
    """The held-out records as training batches, for Tunix's validation loss (every row once;
    the last batch is completed with rows from the start so every batch has one shape)."""
    if not records:
        return []
    examples, _ = data_lib.tokenize_records(tokenizer, records, config.training.seq_len)
    rows = data_lib.build_rows(
        examples, config.training.seq_len, tokenizer.pad_id(), config.data.packing
    )
    size = config.training.batch_size
    order = np.arange(-(-len(rows) // size) * size) % len(rows)
    keys = data_lib.BATCH_KEYS
    return [
        {key: getattr(rows, key)[order[i : i + size]] for key in keys}
        for i in range(0, len(order), size)
    ]


class GlobalBatchTrainer(peft_trainer.PeftTrainer):  # type: ignore[misc]
    """Tunix's trainer over several processes: every process holds the same global batch,
    which becomes arrays split by rows over the mesh, each process transferring its devices'
    rows; Tunix's own input sharding then leaves them as they are. (Tunix builds such arrays
    from the rows each process hands it, but tests the divisibility of a process's row count,
    not the batch's, by the mesh axis, and replicates when it fails: 4 hosts of 4 devices,
    mesh (16, 1) and a batch of 16 would hand it 4 rows per host, 4 % 16 != 0, and each host's
    own 4 rows would silently stand for the whole batch.)"""

    def __init__(self, *args: Any, mesh: jax.sharding.Mesh, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._global_mesh = mesh

    def _prepare_inputs(self, input_data: Any) -> Any:
        return distributed.global_batch(input_data, self._global_mesh)
