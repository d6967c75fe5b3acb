"""The client's sources and datasets: imports, generated problems, dataset builds, exports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson

from tunix_rt_backend.client_base import ClientBase, raise_for_error
from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec
from tunix_rt_backend.datasets.schemas import (
    DatasetBuildResult,
    DatasetList,
    DatasetPreview,
    DatasetRead,
)
from tunix_rt_backend.demo.schemas import DemoResult
from tunix_rt_backend.sources.schemas import ArithmeticResult, ImportResult


class DatasetMethods(ClientBase):
    """Sources and datasets (the :class:`~tunix_rt_backend.client.Client` has them all)."""

    def import_file(
        self,
        path: str | Path,
        format: Literal["gsm8k", "jsonl"],
        *,
        source: str | None = None,
        map: Mapping[str, str] | None = None,
        parser: str = "tags",
        split: str | None = None,
        keep_calculator_marks: bool = False,
        skip_invalid: bool = False,
    ) -> ImportResult:
        """Import a JSONL file, streamed as the request body (never read whole). Traces already
        stored are counted as ``existing``, so a retried import stores nothing twice."""
        params: list[tuple[str, str]] = [("format", format), ("parser", parser)]
        if source is not None:
            params.append(("source", source))
        params.extend(("map", f"{field}={where}") for field, where in (map or {}).items())
        if split is not None:
            params.append(("split", split))
        if keep_calculator_marks:
            params.append(("keep_calculator_marks", "true"))
        if skip_invalid:
            params.append(("skip_invalid", "true"))
        file = Path(path)
        response = self._request(
            "POST",
            "/api/traces/import",
            params=params,
            content=lambda: file.open("rb"),
            idempotent=True,
        )
        return ImportResult.model_validate_json(response.content)

    def generate_arithmetic(
        self, spec: ArithmeticSpec | None = None, /, **fields: Any
    ) -> ArithmeticResult:
        """Generate arithmetic word problems on the server and store them as traces
        (``POST /api/sources/arithmetic/generate``): pass an ``ArithmeticSpec`` or its fields
        (``count``, ``seed``, ``min_steps``, ``max_steps``, ``operand_min``, ``operand_max``,
        ``start_min``, ``start_max``, ``operations``, ``answer_only``). The same spec again
        stores nothing new (``created == 0``), so it is retried safely."""
        if spec is not None and fields:
            raise TypeError("pass an ArithmeticSpec or its fields, not both")
        body = spec.model_dump() if spec is not None else fields
        response = self._request(
            "POST", "/api/sources/arithmetic/generate", json=body, idempotent=True
        )
        return ArithmeticResult.model_validate_json(response.content)

    def load_demo(self) -> DemoResult:
        """Load the example data on the server (``POST /api/demo``): GSM8K's two splits, 500
        arithmetic problems, answer_match scores and the dataset ``gsm8k-demo-v1``. Idempotent,
        so it is retried safely."""
        response = self._request("POST", "/api/demo", idempotent=True)
        return DemoResult.model_validate_json(response.content)

    # --- datasets --------------------------------------------------------------------------
    def build_dataset(self, **request: Any) -> DatasetBuildResult:
        """``POST /api/datasets/build`` with these fields (dataset_name, dataset_version,
        filters, selection_strategy, seed, limit, dedup, split, …). Not retried: the same key
        twice is a 409."""
        response = self._request("POST", "/api/datasets/build", json=request)
        return DatasetBuildResult.model_validate_json(response.content)

    def preview_dataset(self, **request: Any) -> DatasetPreview:
        """How many traces the same request matches and would select; stores nothing."""
        response = self._request("POST", "/api/datasets/preview", json=request)
        return DatasetPreview.model_validate_json(response.content)

    def datasets(self) -> list[DatasetRead]:
        return DatasetList.model_validate_json(self._request("GET", "/api/datasets").content).items

    def dataset(self, key: str) -> DatasetRead:
        return DatasetRead.model_validate_json(self._request("GET", f"/api/datasets/{key}").content)

    def manifest(self, key: str) -> dict[str, Any]:
        """The manifest file: every trace id in order and the split lists."""
        manifest: dict[str, Any] = self._request("GET", f"/api/datasets/{key}/manifest.json").json()
        return manifest

    @contextmanager
    def _export(
        self,
        key: str,
        *,
        format: Literal["trace", "tunix_sft", "chat", "prompt_only"] = "tunix_sft",
        split: Literal["train", "eval"] | None = None,
        style: Literal["tags", "numbered"] = "tags",
        system: str | None = None,
    ) -> Iterator[httpx.Response]:
        """The export's streamed response, or ApiError before any of it is read."""
        params: dict[str, str] = {"format": format, "style": style}
        if split is not None:
            params["split"] = split
        if system is not None:
            params["system"] = system
        with self._http.stream(
            "GET", f"/api/datasets/{key}/export.jsonl", params=params
        ) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_error(response)
            yield response

    def export_lines(self, key: str, **options: Any) -> Iterator[bytes]:
        """The export's lines (each one JSON record, newline included), streamed. Options:
        ``format`` (default ``tunix_sft``), ``split``, ``style``, ``system``."""
        with self._export(key, **options) as response:
            pending = b""
            for chunk in response.iter_bytes():
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    yield line + b"\n"
            if pending:
                yield pending

    def export_records(self, key: str, **options: Any) -> Iterator[dict[str, Any]]:
        """The export's records as dicts, streamed (options as for export_lines)."""
        for line in self.export_lines(key, **options):
            record: dict[str, Any] = orjson.loads(line)
            yield record

    def export_dataset(self, key: str, out: str | Path, **options: Any) -> Path:
        """Write the export to ``out`` (streamed; options as for export_lines): the file a
        Tunix notebook loads. Written to a temporary name first, so a failed export leaves no
        partial file under ``out``."""
        target = Path(out)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with self._export(key, **options) as response, partial.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return target
