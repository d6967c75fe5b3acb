"""One run over several processes, through JAX's own multi-process runtime.

Every process runs the same command with the same config (``distributed.*`` aside). After
:func:`initialize` the mesh spans the devices of every process, and:

- **Every process** reads the config and the data, builds the same tokenizer and model, and
  takes part in every computation: train steps, held-out generation, and checkpoint saves and
  restores (orbax writes each process's shards and process 0 the metadata, so the run directory
  must be on storage every process shares).
- **Each process feeds its share of the global batch.** The batch stream is seeded, so every
  process draws the same global batch of ``training.batch_size`` rows; each puts on its own
  devices only the rows those devices hold (:func:`global_batch`).
- **Process 0 alone** writes ``run_manifest.json``, ``metrics.jsonl``, the evaluation and rollout
  files and the console lines, and talks to the server (``api.url``): see :func:`is_main`.
- **Processes decide together.** What could differ between hosts (the data, the tokenizer, the
  config) is compared before training (:func:`agree`), and a stop asked for on any process
  (Ctrl-C, an error in a hook) stops every process after the same step (:func:`any_process`),
  so none waits forever in a collective the others left.

With one process every function here is free and changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import NamedSharding, PartitionSpec

from tunix_rt_training.config_distributed import DistributedConfig
from tunix_rt_training.overrides import ConfigError
from tunix_rt_training.runs import RunError

log = logging.getLogger(__name__)

T = TypeVar("T")

SHARED_STORAGE = (
    "it must be on storage every process shares (a network file system such as NFS or "
    "Filestore, or a bucket mounted with gcsfuse): process 0 writes the run's files there and "
    "every process its part of each checkpoint"
)


def initialize(config: DistributedConfig) -> None:
    """Start JAX's multi-process runtime when ``config`` (or the environment) asks for it. Must
    run before anything else uses JAX; a second call in the same process does nothing."""
    reason = config.wanted()
    if reason is None or jax.distributed.is_initialized():
        return
    try:
        jax.distributed.initialize(
            coordinator_address=config.coordinator_address,
            num_processes=config.num_processes,
            process_id=config.process_id,
            local_device_ids=config.local_device_ids,
            initialization_timeout=config.initialization_timeout_s,
        )
    except ValueError as exc:  # JAX found no value for a setting
        raise ConfigError(
            f"cannot start the multi-process run ({reason}): {str(exc).rstrip('.')}. Set "
            "distributed.coordinator_address (host:port of process 0), distributed.num_processes "
            "and distributed.process_id, or run under a launcher JAX detects"
        ) from None
    except RuntimeError as exc:
        if "before any JAX" not in str(exc):  # JAX's words when a backend is up already
            raise
        raise RunError(
            "jax.distributed.initialize must run before anything uses JAX: start the "
            "multi-process run in a fresh process (in a notebook, restart the kernel)"
        ) from None
    # (A process that cannot reach the coordinator within the timeout is ended by JAX itself,
    # with DEADLINE_EXCEEDED in its log: there is no exception to turn into a message.)
    log.info(
        "process %d of %d (%s): %d of %d devices here",
        jax.process_index(),
        jax.process_count(),
        reason,
        jax.local_device_count(),
        jax.device_count(),
    )


def process_count() -> int:
    return int(jax.process_count())


def is_main() -> bool:
    """Whether this process writes the run's files and talks to the server (process 0)."""
    return jax.process_index() == 0


def barrier(name: str) -> None:
    """Wait until every process gets here."""
    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(name)


def _gather(values: Sequence[int]) -> np.ndarray[Any, Any]:
    """``values`` of every process, one row per process (in process order)."""
    local = np.asarray(values, dtype=np.int32)
    if jax.process_count() == 1:
        return local[None]
    return np.asarray(multihost_utils.process_allgather(local))


def any_process(flag: bool) -> bool:
    """Whether ``flag`` is set on any process (every process gets the same answer)."""
    if jax.process_count() == 1:
        return flag
    return bool(_gather([int(flag)]).any())


def gather_text(text: str) -> list[str]:
    """``text`` of every process, in process order."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    lengths = _gather([len(data)])[:, 0]
    padded = np.zeros(max(1, int(lengths.max())), dtype=np.int32)
    padded[: len(data)] = data
    rows = _gather(padded.tolist())
    return [
        bytes(row[:length].astype(np.uint8)).decode("utf-8")
        for row, length in zip(rows, lengths, strict=True)
    ]


def agree(values: Mapping[str, str], fix: str) -> None:
    """Raise the same :class:`RunError` on every process unless they all hold the same
    ``values`` (names to digests or ids); ``fix`` says what to do."""
    if jax.process_count() == 1:
        return
    gathered = [json.loads(text) for text in gather_text(json.dumps(dict(values)))]
    for name in values:
        first = gathered[0][name]
        differing = [index for index, other in enumerate(gathered) if other[name] != first]
        if differing:
            raise RunError(
                f"the processes do not agree on {name}: process 0 has {first!r}, "
                f"process {differing[0]} has {gathered[differing[0]][name]!r}. {fix}"
            )


def main_first(name: str, work: Callable[[], T]) -> T:
    """``work()`` on process 0, then on the others: what process 0 writes (a tokenizer built
    for the run) the others then read."""
    if jax.process_count() == 1:
        return work()
    if is_main():
        result = work()
        barrier(name)
        return result
    barrier(name)
    return work()


def config_digest(resolved: Mapping[str, Any]) -> str:
    """The resolved config without its ``distributed`` section (which differs by process)."""
    rest = {key: value for key, value in resolved.items() if key != "distributed"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode("utf-8")).hexdigest()


def check_shared(path: Path) -> None:
    """Every process sees ``path``, which process 0 has just written (call after writing it)."""
    if jax.process_count() == 1:
        return
    barrier(f"wrote {path}")
    blind = [index for index, seen in enumerate(_gather([path.exists()])[:, 0]) if not seen]
    if blind:
        raise RunError(
            f"process(es) {blind} do not see {path}, written by process 0 into output.dir: "
            + SHARED_STORAGE
        )


def global_batch(batch: T, mesh: jax.sharding.Mesh) -> T:
    """Every array in ``batch`` (a pytree: host arrays or single-device ones, the same on every
    process, or arrays already over the mesh) as an array split by rows along ``fsdp``, as
    Tunix splits a one-process batch; this process transfers to its devices only the rows they
    hold. An array whose rows ``fsdp`` does not divide is replicated, as Tunix does."""
    fsdp = mesh.shape["fsdp"]
    split = NamedSharding(mesh, PartitionSpec("fsdp"))  # type: ignore[no-untyped-call]
    replicated = NamedSharding(mesh, PartitionSpec())  # type: ignore[no-untyped-call]

    def rows(host: np.ndarray[Any, Any], index: tuple[slice, ...]) -> np.ndarray[Any, Any]:
        return host[index]

    def place(value: Any) -> Any:
        if not isinstance(value, np.ndarray | jax.Array) or value.ndim == 0:
            return value
        sharding = split if value.shape[0] % fsdp == 0 else replicated
        if isinstance(value, jax.Array) and not value.is_fully_addressable:
            return jax.device_put(value, sharding)
        host = np.asarray(value)
        return jax.make_array_from_callback(host.shape, sharding, functools.partial(rows, host))

    placed: T = jax.tree.map(place, batch)
    return placed
