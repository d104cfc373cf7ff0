"""``fosterreport.toml``: typed settings, each documented where it is declared.

The file is optional; with none, every default below applies. Unknown keys and wrong
types are configuration errors (exit 2) that name the key, the file and, where the key
can be found in the text, its line, and suggest the closest valid key — all of them at
once, then stop.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fosterreport.exceptions import ConfigError

CONFIG_NAME = "fosterreport.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Authority(Section):
    name: str = "Anyshire County Council"
    """The council's name, printed on the cover and in every output."""
    service: str = "Anyshire Fostering Service"
    """The fostering service's name."""


class ReportSettings(Section):
    title: str = "Fostering Service Annual Report"
    """Report title; the period is appended (… 2022/23)."""
    committee: str = "Corporate Parenting Board"
    """The committee the report goes to."""
    meeting_date: date | None = None
    """Date of the meeting (ISO). Also pins the PDF's metadata dates."""
    author: str = "Service Manager, Fostering"
    """Report author (a role, not a person's name, is usual)."""
    status: Literal["Public", "Exempt"] = "Public"
    """Printed on the cover."""
    narrative: str = "narrative"
    """Folder of <section>.md narrative files, relative to the config file."""
    templates: str | None = None
    """Optional folder of template overrides with the built-in templates' names."""
    formats: list[Literal["html", "pdf", "md"]] = ["html", "pdf", "md"]
    """Which outputs `build` writes."""
    logo: str | None = None
    """Optional logo, which must be inside the project folder."""


class DataSettings(Section):
    path: str | None = None
    """Folder of extracts, relative to the config file."""
    columns: dict[str, dict[str, list[str]]] = {}
    """Header aliases beyond the built-in ones: [data.columns.<file>] column = ["Header"]."""
    codes: dict[str, dict[str, str]] = {}
    """Local value -> contract code: [data.codes.<column>] or [data.codes."<file>.<column>"]."""


class Rules(Section):
    assessment_timescale_months: int = Field(8, ge=1, le=36)
    """Assessments approved within this many calendar months of application are on time."""
    supervision_interval_days: int = Field(42, ge=1, le=366)
    """Longest acceptable gap between supervision contacts."""
    similar_tolerance: float = Field(0.02, ge=0, le=1)
    """Direction of travel is "similar" when |change| is within this share of previous."""
    rag_green_tolerance: float = Field(0.05, ge=0, le=1)
    """Green when the shortfall against target is at most this share of the target."""
    rag_red_threshold: float = Field(0.15, ge=0, le=1)
    """Red when the shortfall is more than this share of the target; amber between."""


class Benchmark(Section):
    value: float
    label: str
    source: str | None = None


class Publication(Section):
    suppress_below: int = Field(0, ge=0, le=100)
    """Published counts from 1 to suppress_below − 1 print as "c", and rates built on them."""


class Config(Section):
    """The whole of fosterreport.toml."""

    authority: Authority = Authority()
    report: ReportSettings = ReportSettings()
    data: DataSettings = DataSettings()
    rules: Rules = Rules()
    targets: dict[str, float] = {}
    """Targets keyed by KPI id or id.BREAKDOWN_KEY (e.g. "approvals.MAINSTREAM")."""
    benchmarks: dict[str, Benchmark] = {}
    """Benchmarks keyed like targets, shown beside the KPI with their label."""
    publication: Publication = Publication()

    #: The folder relative paths are resolved against (the config file's folder).
    base: Path = Field(default_factory=Path.cwd, exclude=True)
    #: Where this config came from (None for defaults).
    source: Path | None = Field(default=None, exclude=True)

    def resolve(self, relative: str | None) -> Path | None:
        return None if relative is None else (self.base / relative).resolve()


def _valid_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        keys.append(prefix + name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(_valid_keys(annotation, prefix + name + "."))
    return keys


def _line_of(text: str, key: str) -> int | None:
    last = re.escape(key.split(".")[-1])
    pattern = re.compile(rf'^\s*(\[.*{last}.*\]|"?{last}"?\s*=)', re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _messages(error: ValidationError, text: str, where: str) -> list[str]:
    valid = _valid_keys(Config)
    messages = []
    for item in error.errors(include_url=False):
        key = ".".join(str(part) for part in item["loc"])
        line = _line_of(text, key)
        place = f"{where}:{line}" if line else where
        if item["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            messages.append(f"{place}: unknown key '{key}'{hint}")
        else:
            messages.append(f"{place}: '{key}': {item['msg']}")
    return messages


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ``./fosterreport.toml`` when present), or return the defaults.

    Raises :class:`ConfigError` listing every problem with its key.
    """
    if path is None:
        candidate = Path.cwd() / CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    if not path.is_file():
        raise ConfigError([f"{path}: config file not found"])
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"])
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: {error}"])
    try:
        return Config(**raw, base=path.parent.resolve(), source=path.resolve())
    except ValidationError as error:
        raise ConfigError(_messages(error, text, str(path)))
