"""One settings object, read from HATAKE_* environment variables and HATAKE_HOME/config.toml."""

from __future__ import annotations

import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hatake.lifecycle.matrix_config import MatrixConfig, MatrixSetting

CustomFieldType = Literal["number", "text", "category", "date"]


class CustomFieldDef(BaseModel):
    """An account attribute hatake does not know about, declared by the team and imported from
    an extra column of the accounts file."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: CustomFieldType = "text"
    label_ja: str
    label_en: str
    choices: list[str] = []


class MilestoneConfig(BaseModel):
    """An onboarding milestone: reached the first day ``event`` happens, or the first day
    ``users`` different people have used the product. Exactly one of the two."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label_ja: str
    label_en: str
    event: str | None = None
    users: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_condition(self) -> MilestoneConfig:
        if (self.event is None) == (self.users is None):
            raise ValueError("give exactly one of event or users")
        return self


class HealthConfig(BaseModel):
    """Inputs of the health-score factors that depend on the team's product."""

    key_features: list[str] = []
    onboarding_milestones: list[MilestoneConfig] = []
    stale_ticket_days: int = Field(default=14, ge=1)
    # Backtests and fitted weights: an account whose running contract terms are all on one of
    # these plans has churned once it goes this many consecutive days without a usage event.
    free_plans: list[str] = ["free"]
    churn_inactivity_days: int = Field(default=60, ge=1)


class FileConfig(BaseModel):
    """What lives in HATAKE_HOME/config.toml: configuration a team edits by hand."""

    custom_fields: list[CustomFieldDef] = []
    health: HealthConfig = HealthConfig()
    # Validated by hatake.lifecycle.lifecycle_config rather than here, so that a mistake in it
    # is reported by name while the last valid lifecycle configuration stays in force.
    lifecycle: dict[str, Any] = {}
    # Priority-matrix bands; a section that fails the checks is kept as its issues (see
    # lifecycle/matrix_config.py) and the last valid version stays in force.
    matrix: MatrixSetting = MatrixConfig()
    # Contact cadences per touch tier; checked by hatake.coverage.cadence when used, so an
    # error names the field instead of stopping every command that reads config.toml.
    coverage: dict[str, Any] = {}
    # Weights of today's queue; checked by hatake.coverage.queue_config when used, like
    # [coverage].
    queue: dict[str, Any] = {}
    # Exchange rates into the organisation's currency for the revenue reports; checked by
    # hatake.revenue.revenue_config when used.
    revenue: dict[str, Any] = {}
    # Gross margin and discount rate of customer lifetime value; checked by
    # hatake.revenue.clv_config when used.
    clv: dict[str, Any] = {}

    @property
    def custom_keys(self) -> list[str]:
        return [field.key for field in self.custom_fields]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HATAKE_", extra="ignore")

    home: Path = Path(".hatake")
    database_url: str | None = None
    analytics_path: Path | None = None
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: Literal["ja", "en"] = "ja"
    secure_cookies: bool = False
    # REST API requests per minute per token (bursts up to this many); 0 turns the limit off.
    api_rate_limit_per_minute: int = Field(default=600, ge=0)
    # How often `hatake serve` brings the rollups and today's health scores up to date with the
    # events that arrived; 0 turns it off.
    refresh_interval_minutes: float = Field(default=1, ge=0)
    # Tracking API: how often buffered messages move to the stores, how far in the future an
    # event's timestamp may be, and how long message ids are remembered for deduplication.
    ingest_drain_interval_seconds: float = Field(default=1.0, gt=0)
    ingest_future_tolerance_minutes: float = Field(default=60, ge=0)
    ingest_retention_days: int = Field(default=30, ge=1)

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def state_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'hatake.db'}"

    @property
    def analytics_file(self) -> Path:
        return self.analytics_path or self.home / "analytics.duckdb"

    @property
    def ingest_file(self) -> Path:
        return self.home / "ingest.sqlite3"

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"

    @cached_property
    def file_config(self) -> FileConfig:
        if not self.config_file.exists():
            return FileConfig()
        with self.config_file.open("rb") as handle:
            return FileConfig.model_validate(tomllib.load(handle))

    def session_secret(self) -> str:
        """A stable secret for signing cookies: from the environment, else kept in HATAKE_HOME."""
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret.key"
        if not path.exists():
            import secrets

            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
