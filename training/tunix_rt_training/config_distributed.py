"""The ``distributed`` config section: one run over several processes (hosts, or one process per
GPU) through JAX's own multi-process runtime (``jax.distributed.initialize``).

Every process runs the same command; the mesh spans the devices of all of them
(:mod:`tunix_rt_training.distributed` says what each process does). The values may also come
from the environment, as ``jax.distributed.initialize`` reads it: ``JAX_COORDINATOR_ADDRESS``
(and ``JAX_LOCAL_DEVICE_IDS``, ``JAX_COORDINATOR_PORT``), or a cluster JAX detects (a Cloud TPU
slice, SLURM, Open MPI, Kubernetes).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, field_validator, model_validator

from tunix_rt_training.section import Section

COORDINATOR_ENV = "JAX_COORDINATOR_ADDRESS"  # read by jax.distributed.initialize itself


class DistributedConfig(Section):
    enabled: bool | Literal["auto"] = Field(
        default="auto",
        description="auto: start JAX's multi-process runtime when this section, "
        "JAX_COORDINATOR_ADDRESS or a launcher (SLURM or Open MPI with more than one task, a "
        "multi-host TPU slice on Kubernetes) says there are several processes, else run as one "
        "process; true: always (values not set here come from JAX's detection: Cloud TPU "
        "metadata, SLURM, Open MPI, Kubernetes); false: never.",
    )
    coordinator_address: str | None = Field(
        default=None,
        description="host:port of process 0, reachable from every process (default "
        "$JAX_COORDINATOR_ADDRESS or the detected cluster's).",
    )
    num_processes: int | None = Field(
        default=None, ge=1, description="How many processes take part (default: detected)."
    )
    process_id: int | None = Field(
        default=None, ge=0, description="This process's index, 0 .. num_processes - 1."
    )
    local_device_ids: list[int] | None = Field(
        default=None,
        description="The local devices this process uses, e.g. [0] for one process per GPU "
        "(default: all of them, or $JAX_LOCAL_DEVICE_IDS).",
    )
    initialization_timeout_s: int = Field(
        default=300, ge=1, description="How long to wait for every process to connect."
    )

    @field_validator("coordinator_address")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(
                "distributed.coordinator_address must be host:port (e.g. 10.0.0.1:1234), the "
                "address of process 0 and a free port on it"
            )
        return value

    @field_validator("local_device_ids")
    @classmethod
    def _device_ids(cls, value: list[int] | None) -> list[int] | None:
        if value is None:
            return None
        if not value or min(value) < 0 or len(set(value)) != len(value):
            raise ValueError(
                "distributed.local_device_ids must be distinct device indices >= 0, e.g. [0]"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DistributedConfig:
        if (
            self.num_processes is not None
            and self.process_id is not None
            and self.process_id >= self.num_processes
        ):
            raise ValueError(
                f"distributed.process_id={self.process_id} must be below "
                f"distributed.num_processes={self.num_processes} (ids run from 0)"
            )
        if self.enabled is False and self.explicit:
            raise ValueError(
                "distributed.enabled=false but distributed.coordinator_address, num_processes, "
                "process_id or local_device_ids is set: remove them, or enable the section"
            )
        return self

    @property
    def explicit(self) -> bool:
        """Any process setting given in the config itself."""
        return any(
            value is not None
            for value in (
                self.coordinator_address,
                self.num_processes,
                self.process_id,
                self.local_device_ids,
            )
        )

    def wanted(self, environ: Mapping[str, str] | None = None) -> str | None:
        """Why this process should start JAX's multi-process runtime; ``None``: it should not."""
        if self.enabled is False:
            return None
        if self.explicit:
            return "the distributed section"
        launch = launcher(os.environ if environ is None else environ)
        if launch is not None:
            return launch
        return "distributed.enabled=true" if self.enabled is True else None


def launcher(environ: Mapping[str, str]) -> str | None:
    """What in the environment says this job has several processes, if anything: JAX's
    coordinator variable, or the variables of the launchers JAX's own detection reads (SLURM,
    Open MPI, a TPU slice on Kubernetes). A Cloud TPU VM slice made with ``gcloud`` describes
    itself only in its metadata server: set ``distributed.enabled=true`` there."""
    if environ.get(COORDINATOR_ENV):
        return f"${COORDINATOR_ENV}"
    slurm = ("SLURM_JOB_ID", "SLURM_STEP_NODELIST", "SLURM_PROCID", "SLURM_LOCALID")
    if all(name in environ for name in slurm) and _count(environ.get("SLURM_NTASKS")) > 1:
        return f"SLURM ({environ['SLURM_NTASKS']} tasks)"
    if "OMPI_MCA_orte_hnp_uri" in environ and _count(environ.get("OMPI_COMM_WORLD_SIZE")) > 1:
        return f"Open MPI ({environ['OMPI_COMM_WORLD_SIZE']} processes)"
    hosts = environ.get("TPU_PROCESS_ADDRESSES") or environ.get("TPU_WORKER_HOSTNAMES") or ""
    count = len([host for host in hosts.split(",") if host.strip()])
    if count > 1:
        return f"a TPU slice of {count} hosts"
    return None


def _count(raw: str | None) -> int:
    return int(raw) if raw is not None and raw.strip().isdigit() else 1
