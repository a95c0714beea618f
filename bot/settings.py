"""Runtime settings from the environment (prefix INTAKE_, plus Slack's own variable names).

These say *where* things run (database, ports, relay, secrets); `config.yaml` says *what* the
support desk looks like (addresses, customers, plans). Both have working defaults.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/intake.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    config: Path | None = None  # path of config.yaml; None = ./config.yaml or the bundled one
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, ge=0, le=65535)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    relay_host: str = "127.0.0.1"
    relay_port: int = Field(default=2526, ge=0, le=65535)
    relay_username: str | None = None
    relay_password: str | None = None
    relay_starttls: bool = False
    data_dir: Path = Path("var")
    model_dir: Path | None = None  # default: <data_dir>/models
    worker_id: str | None = None

    slack_bot_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "INTAKE_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "INTAKE_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "INTAKE_SLACK_APP_TOKEN")
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "INTAKE_SLACK_API_URL"),
    )
    # Download files customers share in Slack (url_private, bot token, needs files:read) into
    # <data_dir>/attachments; off by default: metadata alone already tells triage "logs sent".
    slack_download_files: bool = False
    slack_max_file_bytes: int = Field(default=25 * 1024 * 1024, gt=0)

    @property
    def resolved_model_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"


def load_settings() -> Settings:
    """Read the environment; raises `ConfigError` naming the variable on bad values."""
    from pydantic import ValidationError

    from bot.config import ConfigError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        key = "INTAKE_" + "_".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"environment variable {key}: {first['msg']}") from None
