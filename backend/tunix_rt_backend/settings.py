"""Runtime settings: environment variables with the ``TUNIX_RT_`` prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
BACKEND_DIR = PACKAGE_DIR.parent
REPO_DIR = BACKEND_DIR.parent


class Settings(BaseSettings):
    """Everything the service needs to start. Built once by ``get_settings`` and passed in."""

    # Lists (CORS origins, API keys) are plain comma-separated strings in the environment.
    model_config = SettingsConfigDict(env_prefix="TUNIX_RT_", extra="ignore", enable_decoding=False)

    database_url: str = "sqlite+aiosqlite:///./tunix_rt.db"
    datasets_dir: Path = BACKEND_DIR / "datasets"
    frontend_dist: Path = REPO_DIR / "frontend" / "dist"

    max_trace_bytes: int = Field(default=1_000_000, ge=1_024)
    max_batch_traces: int = Field(default=10_000, ge=1)
    max_batch_bytes: int = Field(default=256 * 1024 * 1024, ge=1_024)
    max_upload_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1_024)
    max_generated_traces: int = Field(default=100_000, ge=1)

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_timeout_s: float = Field(default=30.0, gt=0)
    db_echo: bool = False

    run_heartbeat_timeout_s: float = Field(
        default=600.0,
        gt=0,
        description="A running run silent this long is marked failed (its process died).",
    )

    cors_origins: list[str] = Field(default_factory=list)
    api_keys: list[str] = Field(default_factory=list, repr=False)
    api_keys_file: Path | None = None

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    def all_api_keys(self) -> list[str]:
        """Keys from TUNIX_RT_API_KEYS and TUNIX_RT_API_KEYS_FILE (one per line, # comments)."""
        keys = list(self.api_keys)
        if self.api_keys_file is not None:
            for line in self.api_keys_file.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    keys.append(line)
        return keys

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.database_url.split(":", 1)[0].split("+", 1)[0]


def get_settings(**overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides win (used by the CLI and tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]
