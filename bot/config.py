"""config.yaml: the support desk's shape (addresses, staff, customers, Slack, SLA plans).

Loading validates everything up front, so a typo fails at start with one line naming the
key (`customers[0].timezone: unknown time zone 'Europe/Bucharestt'`) instead of at 3 a.m.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from triage.levels import SEVERITY_ORDER
from triage.severity_decision import DEFAULT_COSTS

REPO_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _valid_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


class CustomerOrg(_Strict):
    name: str
    domains: list[str] = Field(default_factory=list)
    contacts: list[str] = Field(default_factory=list)
    max_contacts: int = Field(default=2, ge=1)
    plan: str | None = None
    timezone: str = "America/New_York"
    country: str = "US"
    slack_channels: list[str] = Field(default_factory=list)
    slack_teams: list[str] = Field(default_factory=list)

    _zone = field_validator("timezone")(_valid_zone)

    @field_validator("domains", "contacts")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values]


class SlackConfig(_Strict):
    triage_channel: str | None = None
    engineers: list[str] = Field(default_factory=list)
    engineer_group: str | None = None  # a Slack user group id whose members may also decide


class EmailConfig(_Strict):
    max_message_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    auto_replies_per_address_per_hour: int = Field(default=10, ge=0)
    from_address: str | None = None
    relay_starttls: bool = False
    relay_username: str | None = None
    relay_password: str | None = None


def _default_costs() -> dict[str, dict[str, float]]:
    # One source of truth: the triage package's defaults (config.yaml repeats them for users).
    return {
        str(true): {str(predicted): cost for predicted, cost in row.items()}
        for true, row in DEFAULT_COSTS.items()
    }


class TriageConfig(_Strict):
    abstain_below: float = Field(default=0.45, ge=0, le=1)
    costs: dict[str, dict[str, float]] = Field(default_factory=_default_costs)

    @field_validator("costs")
    @classmethod
    def _square(cls, costs: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        levels = {str(s) for s in SEVERITY_ORDER}
        if set(costs) != levels:
            raise ValueError(f"needs exactly the levels {sorted(levels)}")
        for true_level, row in costs.items():
            if set(row) != levels:
                raise ValueError(f"row {true_level!r} needs exactly the levels {sorted(levels)}")
        return costs


class AppConfig(_Strict):
    support_addresses: list[str] = Field(default_factory=lambda: ["support@example.com"])
    staff_domains: list[str] = Field(default_factory=list)
    staff_addresses: list[str] = Field(default_factory=list)
    default_plan: str = "kyligence-standard"
    customers: list[CustomerOrg] = Field(default_factory=list)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    email: EmailConfig = Field(default_factory=EmailConfig)
    triage: TriageConfig = Field(default_factory=TriageConfig)
    plans: dict[str, Any] = Field(default_factory=dict)

    @field_validator("support_addresses", "staff_domains", "staff_addresses")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values]

    # Filled in by `parse_config` once the plans parse; not part of the yaml.
    _sla_plans: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def sla_plans(self) -> dict[str, Any]:
        """Parsed `triage.sla_plans.SlaPlan` objects by name."""
        return self._sla_plans

    @property
    def reply_from(self) -> str:
        return self.email.from_address or self.support_addresses[0]

    def customer_by_name(self, name: str | None) -> CustomerOrg | None:
        return next((c for c in self.customers if c.name == name), None)

    def plan_for(self, org: CustomerOrg | None) -> str:
        return (org.plan if org and org.plan else None) or self.default_plan

    def is_staff_address(self, address: str) -> bool:
        address = address.lower()
        domain = address.rpartition("@")[2]
        return address in self.staff_addresses or domain in self.staff_domains


def _key_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def resolve_config_path(explicit: Path | None = None) -> Path:
    """INTAKE_CONFIG (or the explicit path) if given; else ./config.yaml; else the bundled one."""
    env = os.environ.get("INTAKE_CONFIG")
    if explicit is not None or env:
        path = Path(explicit or env or "")
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    local = Path("config.yaml")
    return local if local.is_file() else REPO_CONFIG


def parse_config(raw: Any, *, source: str = "config.yaml") -> AppConfig:
    """Validate an already-loaded yaml mapping."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys")
    try:
        config = AppConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{source}: {_key_path(first['loc'])}: {first['msg']}") from None
    config._sla_plans.update(_parse_plans(config, source))
    _check_references(config, source)
    return config


def _parse_plans(config: AppConfig, source: str) -> dict[str, Any]:
    try:
        from triage.sla_plans import PlanConfigError, parse_plans
    except ImportError:  # the SLA engine is not there yet: keep the raw mappings
        return dict(config.plans)
    try:
        return dict(parse_plans(config.plans))
    except PlanConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def _check_references(config: AppConfig, source: str) -> None:
    known = set(config.plans)
    if known and config.default_plan not in known:
        raise ConfigError(f"{source}: default_plan: unknown plan {config.default_plan!r}")
    for index, org in enumerate(config.customers):
        if known and org.plan and org.plan not in known:
            raise ConfigError(f"{source}: customers[{index}].plan: unknown plan {org.plan!r}")
        if len(org.contacts) > org.max_contacts:
            raise ConfigError(
                f"{source}: customers[{index}].contacts: {len(org.contacts)} contacts, "
                f"but the organisation may designate at most {org.max_contacts}"
            )


def load_config(path: Path | None = None) -> AppConfig:
    """Load and validate config.yaml; raises `ConfigError` with one line naming the key."""
    config_path = resolve_config_path(path)
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {config_path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{config_path}:{where} is not valid YAML") from None
    return parse_config(raw, source=str(config_path))
