"""Settings: one schema gives every default, type, environment variable and help text.

Values come from, highest first: command-line options, environment variables
(`OBSERVANCES_<NAME>`), one TOML file (found as `configfile.locate` says: `--config`,
`OBSERVANCES_CONFIG`, `./observances.toml`, `$XDG_CONFIG_HOME/observances/observances.toml`),
then the defaults below, which let a fresh install run with no setup. The settings reference
in docs/ and the file `observances init` writes are generated from this class.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import textwrap
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from observances import configfile, defaults
from observances.errors import InputError

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

CONFIG_ENV = configfile.CONFIG_ENV
SHIPPED = "the copy shipped in the package"
_LONGEST_ZONE = 64  # the longest IANA name is 32 characters


def _shown(value: object, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a 5,000-character zone is not echoed whole."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'"


class FeedSpec(BaseModel):
    """A named feed: a filter over the registry. Several filters narrow the feed together."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[
        str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="URL name: /feeds/<name>.ics")
    ]
    title: str | None = Field(None, description="Calendar name shown in the calendar app.")
    tags: tuple[str, ...] = Field((), description="Only observances with one of these tags.")
    ids: tuple[str, ...] = Field((), description="Only these observances.")
    kinds: tuple[str, ...] = Field((), description="Only these kinds (day, week, year, ...).")
    marked: bool = Field(False, description="Only what the organization profile marks.")
    token: SecretStr | None = Field(
        None, description="Makes the feed private: its URL must carry ?token=<this secret>."
    )


def _split_commas(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OBSERVANCES_", extra="forbid", frozen=True, validate_default=True
    )

    # --- files -------------------------------------------------------------------------------
    # the shipped files by default; `observances init` copies the profile and templates
    registry: Path = Field(
        default_factory=lambda: defaults.shipped(defaults.REGISTRY),
        description="The registry file.",
        json_schema_extra={"shown_default": SHIPPED},
    )
    profile: Path = Field(
        default_factory=lambda: defaults.shipped(defaults.PROFILE),
        description="The organization profile.",
        json_schema_extra={"shown_default": SHIPPED},
    )
    templates_dir: Path = Field(
        default_factory=lambda: defaults.shipped(defaults.TEMPLATES),
        description="Statement templates.",
        json_schema_extra={"shown_default": SHIPPED},
    )
    data_dir: Path = Field(
        Path("data"),
        description="State: the outbox database, the Maildir outbox, the instance lock.",
    )

    # --- when drafts are sent ----------------------------------------------------------------
    timezone: str = Field("UTC", description="IANA time zone of the send time, e.g. Europe/Paris.")
    send_time: dt.time = Field(
        dt.time(9, 0),
        description="Local time of day drafts are sent, e.g. 09:00, without an offset (the "
        "zone is `timezone`).",
    )
    tick_seconds: Annotated[int, Field(ge=1, le=3600)] = Field(
        60, description="How often the service looks for drafts that are due (1-3600 s)."
    )
    dry_run: bool = Field(
        False,
        description="Log each draft instead of sending it (like Radicale's dryrun); its outbox "
        "row is marked dry_run, and sent for real once dry_run is off if its date is ahead.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the outbox database; default "
        "sqlite:///<data_dir>/outbox.sqlite3.",
    )
    retry_initial_seconds: Annotated[float, Field(ge=1, le=86400, allow_inf_nan=False)] = Field(
        60.0, description="Wait before the first retry of a deferred send (1-86400 s)."
    )
    retry_max_seconds: Annotated[float, Field(ge=1, le=604800, allow_inf_nan=False)] = Field(
        1800.0, description="Longest wait between retries; the wait doubles up to it (1-604800 s)."
    )

    # --- mail ----------------------------------------------------------------------------------
    smtp_host: str | None = Field(
        None, description="SMTP server. Unset: drafts go to a Maildir outbox under data_dir."
    )
    smtp_port: Annotated[int, Field(ge=1, le=65535)] | None = Field(
        None, description="SMTP port (1-65535); default 25, 587 (starttls) or 465 (tls)."
    )
    smtp_username: str | None = Field(None, description="SMTP login name.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password (never logged).")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "starttls", description="none, starttls, or tls (implicit TLS)."
    )
    smtp_timeout: Annotated[float, Field(ge=0.1, le=600, allow_inf_nan=False)] = Field(
        30.0, description="Seconds to wait for the SMTP server (0.1-600)."
    )
    mail_from: str = Field("observances@localhost", description="From address of the drafts.")
    mail_from_name: str = Field(
        "Observances drafts", description="Display name on From, shown by mail clients."
    )
    mail_to: Annotated[tuple[str, ...], NoDecode] = Field(
        ("comms@localhost",), description="Recipients, comma-separated."
    )
    mail_to_by_tag: dict[str, tuple[str, ...]] = Field(
        {},
        description="Extra recipients by registry tag, added to mail_to; in the environment "
        'as JSON: {"human-rights": ["rights@example.org"]}.',
    )
    mail_to_by_program: dict[str, tuple[str, ...]] = Field(
        {},
        description="Extra recipients by profile program id, for the observances the program's "
        'tags or ids name; as JSON: {"africa": ["africa@example.org"]}.',
    )

    # --- HTTP and feeds ----------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the HTTP server listens on.")
    port: Annotated[int, Field(ge=1, le=65535)] = Field(8080, description="HTTP port (1-65535).")
    base_url: str | None = Field(
        None, description="Public URL of the server, for subscribe links (default from host)."
    )
    feed_years_back: Annotated[int, Field(ge=0, le=50)] = Field(
        1, description="Feed starts N years ago (0-50)."
    )
    feed_years_ahead: Annotated[int, Field(ge=0, le=50)] = Field(
        2, description="Feed ends N years on (0-50)."
    )
    feed_windows: dict[
        str, tuple[Annotated[int, Field(ge=0, le=50)], Annotated[int, Field(ge=0, le=50)]]
    ] = Field(
        {"all": (0, 1)},
        description="Per-feed windows, [years back, years ahead] (0-50 each), for a feed the "
        "default window would take past the budget of 1 MB and 1,000 events (docs/feeds.md); "
        'as JSON: {"all": [0, 1]}.',
    )
    feed_alarm_days: Annotated[tuple[Annotated[int, Field(ge=0, le=365)], ...], NoDecode] = Field(
        (),
        description="VALARM reminders N days (0-365) before each event, comma-separated; off "
        "if empty.",
    )
    feed_marked_alarm_days: Annotated[tuple[Annotated[int, Field(ge=0, le=365)], ...], NoDecode] = (
        Field(
            (),
            description="VALARM reminders in the `marked` feed only, N days before each event, "
            "comma-separated; off if empty (then feed_alarm_days applies).",
        )
    )
    feeds: tuple[FeedSpec, ...] = Field(
        (),
        description="Extra named feeds (TOML [[feeds]] tables). Always present: all, marked, "
        "and one per tag.",
    )

    # --- the team's workspace (docs/desk.md) ----------------------------------------------------
    users: dict[str, str] = Field(
        {},
        description="Accounts of the signed-in desk: user name = argon2 hash, as written by "
        "`observances user add NAME` (TOML [users] table).",
    )
    session_secret: SecretStr | None = Field(
        None,
        description="Key that signs session cookies (32+ random characters); unset: one is "
        "made and kept in <data_dir>/session.key.",
    )
    status_token: SecretStr | None = Field(
        None,
        description="Token for scripts reading /status as JSON (Authorization: Bearer <token>); "
        "unset: /status needs a signed-in session.",
    )
    login_delay_seconds: Annotated[float, Field(ge=0)] = Field(
        1.0,
        description="After 3 failed sign-ins for a name or from an address, each further "
        "attempt waits this long, doubling up to 30 s.",
    )

    _split = field_validator("mail_to", "feed_alarm_days", "feed_marked_alarm_days", mode="before")(
        _split_commas
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        unknown = ValueError(
            f"unknown time zone {_shown(value)}; use an IANA name such as Europe/Paris"
        )
        if len(value) > _LONGEST_ZONE:  # the file system, not tzdata, would answer
            raise unknown
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise unknown from None
        return value

    @field_validator("send_time")
    @classmethod
    def _local_time(cls, value: dt.time) -> dt.time:
        if value.tzinfo is not None:
            raise ValueError(
                f"{value.isoformat()} has an offset; write the local time of day only, such "
                "as 09:00 (the zone is the `timezone` setting)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        allowed = "such as sqlite:///data/outbox.sqlite3 or postgresql+psycopg://user@host/db"
        # only when a URL is given: SQLAlchemy takes 100 ms to import
        from sqlalchemy.engine import make_url  # noqa: PLC0415
        from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(f"not a database URL; write one {allowed}") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(f"{url.get_backend_name()!r} is not supported; use a URL {allowed}")
        return value

    @model_validator(mode="after")
    def _retry_order(self) -> Settings:
        if self.retry_max_seconds < self.retry_initial_seconds:
            raise ValueError(
                "retry_max_seconds is less than retry_initial_seconds; the longest wait must "
                "be at least the first"
            )
        return self

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def outbox_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'outbox.sqlite3'}"

    @property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or {"none": 25, "starttls": 587, "tls": 465}[self.smtp_security]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - pydantic-settings' signature
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - pydantic-settings' signature
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path, _ = configfile.locate()
        data = configfile.read(path) if path else {}
        return (init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=data))


Sources = dict[str, str]


def load_settings(**overrides: Any) -> Settings:
    """Settings from options, the environment and the TOML file; errors name the setting
    and where its value came from."""
    return load_settings_with_sources(**overrides)[0]


def load_settings_with_sources(**overrides: Any) -> tuple[Settings, Sources]:
    """The settings, and for each one where its value came from: an option, an environment
    variable, the file (by path), or the default."""
    given = {k: v for k, v in overrides.items() if v is not None}
    path, _ = configfile.locate()
    in_file = configfile.read(path) if path else {}
    sources: Sources = {}
    for name in Settings.model_fields:
        variable = f"OBSERVANCES_{name.upper()}"
        if name in given:
            sources[name] = "command line"
        elif variable in os.environ:
            sources[name] = f"environment {variable}"
        elif name in in_file:
            sources[name] = str(path)
        else:
            sources[name] = "default"
    try:
        return Settings(**given), sources
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise InputError("\n".join(_describe(e, sources, path) for e in errors)) from None
    except SettingsError as exc:  # pydantic-settings could not decode a variable's JSON
        raise InputError(_describe_source_error(exc)) from None


def _describe(error: ErrorDetails, sources: Sources, path: Path | None) -> str:
    """One validation error: the setting, its value, its source (the file and line, or the
    environment variable), what is wrong and what is allowed (the field's help, which states
    the range)."""
    loc = error["loc"]
    message = error["msg"].removeprefix("Value error, ")
    if not loc:  # a rule between settings, such as the order of the retry waits
        return f"settings: {message}"
    name = ".".join(str(part) for part in loc)
    top = str(loc[0])
    source = sources.get(top, str(path) if path else "default")
    if path is not None and source == str(path):
        line = _toml_line(path, loc)
        source = f"{path}:{line}" if line else source
    field = Settings.model_fields.get(top)
    if top == "feeds" and len(loc) > 2:  # noqa: PLR2004 - feeds, index, key
        field = FeedSpec.model_fields.get(str(loc[2]))
    if error["type"] == "extra_forbidden":
        message = "no such setting; check its spelling"
    shown = f" = {_shown(error['input'])}" if error["type"] != "missing" else ""
    allowed = f" ({field.description})" if field is not None and field.description else ""
    return (
        f"setting {name}{shown} (from {source}): {message}{allowed}; "
        "`observances config` shows every setting and where it comes from"
    )


# --- the settings file `observances init` writes, and the settings reference ------------------


def shown_default(name: str) -> str:
    """A setting's default as people read it (the reference in docs/ and `config`)."""
    field = Settings.model_fields[name]
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown_default" in extra:
        return str(extra["shown_default"])
    default = field.get_default(call_default_factory=True)
    if default is None:
        return "(unset)"
    if isinstance(default, tuple):
        return ", ".join(str(item) for item in default) or "(empty)"
    return str(default)


def _toml_value(value: Any) -> str:
    """A default as TOML text; json's strings and numbers are valid TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, Path)):
        return json.dumps(str(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")  # a new setting type: teach it here


_EXAMPLES = {
    "registry": f'"{defaults.REGISTRY}"',
    "profile": f'"{defaults.PROFILE}"',
    "templates_dir": f'"{defaults.TEMPLATES}"',
    # settings unset by default: a value to show the form (the line stays commented out)
    "database_url": '"postgresql+psycopg://observances@localhost/observances"',
    "smtp_host": '"smtp.example.org"',
    "smtp_port": "587",
    "smtp_username": '"observances"',
    "smtp_password": '"..."',
    "base_url": '"https://observances.example.org"',
    "session_secret": '"<32 or more random characters>"',
    "status_token": '"<a long random token>"',
}


def settings_file(active: dict[str, str] | None = None) -> str:
    """A commented observances.toml listing every setting with its help, its environment
    variable and its default, each line commented out except the `active` ones (name to
    TOML value). Generated from the schema, so it lists every setting there is."""
    active = active or {}
    out = [
        "# observances settings. Every setting is listed with its default; uncomment a line",
        "# to change it. An environment variable OBSERVANCES_<NAME> overrides the file.",
        "# Relative paths are relative to this file's directory.",
        "# `observances config` prints the settings in force and where each comes from.",
    ]
    for name, field in Settings.model_fields.items():
        if name == "feeds":
            continue  # a table array must come after every plain key: written last
        out.append("")
        out += textwrap.wrap(
            f"{field.description} (env: OBSERVANCES_{name.upper()})",
            88,
            initial_indent="# ",
            subsequent_indent="# ",
        )
        extra = field.json_schema_extra
        if name in active:
            out.append(f"{name} = {active[name]}")
        elif isinstance(extra, dict) and "shown_default" in extra:
            out.append(f"# default: {extra['shown_default']}")
            out.append(f"# {name} = {_EXAMPLES[name]}")
        elif field.get_default(call_default_factory=True) is None:
            out.append("# unset by default; for example:")
            out.append(f"# {name} = {_EXAMPLES.get(name, '...')}")
        else:
            out.append(f"# {name} = {_toml_value(field.get_default(call_default_factory=True))}")
    feeds = Settings.model_fields["feeds"]
    out += ["", f"# {feeds.description} (env: OBSERVANCES_FEEDS, as JSON)", "# Each feed:"]
    for name, field in FeedSpec.model_fields.items():
        out.append(f"#   {name}: {field.description}")
    out += [
        "#",
        "# [[feeds]]",
        '# name = "rights"',
        '# title = "Human rights days"',
        '# tags = ["human-rights"]',
        "",
    ]
    return "\n".join(out)


def _toml_line(file: Path, loc: tuple[int | str, ...]) -> int | None:
    """The line of a setting in the TOML file: a top-level key, or a key of the N-th table of
    an array of tables (`[[feeds]]`)."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    key, index = str(loc[0]), loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    inner = str(loc[2]) if index is not None and len(loc) > 2 else None  # noqa: PLR2004
    table, seen = "", -1
    for number, text in enumerate(lines, start=1):
        header = re.match(r"\s*\[\[?\s*([^\]\s]+)", text)
        if header:
            table = header[1]
            seen += table == key
            if table == key and seen == index and inner is None:
                return number
            continue
        if re.match(rf"\s*{re.escape(inner or key)}\s*=", text) and (
            (inner is None and table == "") or (table == key and seen == index)
        ):
            return number
    return None


def _describe_source_error(exc: SettingsError) -> str:
    """pydantic-settings could not decode a value, such as bad JSON in an environment variable."""
    field = re.search(r'field "([^"]+)"', str(exc))
    name = field[1] if field else "?"
    cause = exc.__cause__
    reason = f"not valid JSON ({cause})" if cause is not None else str(exc)
    described = Settings.model_fields.get(name)
    example = f" ({described.description})" if described and described.description else ""
    return f"environment variable OBSERVANCES_{name.upper()}: {reason}{example}"
