"""Hostile registries, profiles and templates through the CLI: every one ends in
`FILE:LINE: message` and exit 2, within a time limit, never a traceback, a hang, or a silently
shortened registry."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observances.cli import main

ROOT = Path(__file__).resolve().parent.parent
AIPR = ROOT / "profiles" / "aipr.yaml"
DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"
SMALL = DATA / "registries" / "valid_every_rule.yaml"
LIMIT = 4 * 1024 * 1024
"""The largest registry or profile read (yamlsource.MAX_BYTES)."""
SECONDS = 5.0
"""The longest any hostile file may take: an alias bomb used to take minutes and 3 GB."""


def expectations() -> list[tuple[str, str, str]]:
    found = []
    for row in (HOSTILE / "expected.txt").read_text(encoding="utf-8").splitlines():
        if row and not row.startswith("#"):
            name, _, expected = row.partition("\t")
            line, _, message = expected.partition(": ")
            found.append((name, "" if line == "-" else f":{line}", message))
    return found


def observances(*args: str) -> tuple[int, str, str]:
    """The CLI's entry point in this process, with its one error handler; an exception that
    escapes it (a traceback, for a user) fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as exited,
    ):
        main(list(args))
    return int(exited.value.code or 0), out.getvalue(), err.getvalue()


def command_for(path: Path) -> tuple[str, ...]:
    if path.parent.name == "settings":
        return ("status",)  # with OBSERVANCES_CONFIG=path
    if path.parent.name == "profiles":
        return ("plan", "--registry", str(SMALL), "--profile", str(path))
    if path.parent.name == "templates":
        real = (
            *("--registry", str(ROOT / "observances.yaml"), "--profile", str(AIPR)),
            *("--templates", str(ROOT / "templates")),
        )
        return (
            "preview",
            "south-south-cooperation",
            "--year",
            "2027",
            *real,
            "--template",
            str(path),
        )
    return ("validate", "--registry", str(path))


@pytest.mark.parametrize(
    ("name", "line", "message"), expectations(), ids=[e[0] for e in expectations()]
)
def test_each_hostile_file_is_one_located_problem_and_exit_2(
    name: str, line: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = HOSTILE / name
    monkeypatch.chdir(tmp_path)  # no observances.toml, no data directory of the repository
    if path.parent.name == "settings":
        monkeypatch.setenv("OBSERVANCES_CONFIG", str(path))
    started = time.monotonic()
    code, out, err = observances(*command_for(path))
    # a template may run for its whole time budget (5 s) before it is stopped
    assert time.monotonic() - started < SECONDS + (5 if "templates" in name else 0)
    assert (code, out) == (2, ""), (out, err)
    if "templates" in name:
        assert err == f"error: {path}{line}: {message}\n"
        return
    if "settings" in name:  # the place, then the message, on the first line
        first = err.splitlines()[0]
        assert f"{path}{line}" in first, err
        assert message in first, err
        return
    problems = err.splitlines()[:-1]  # the last line counts them
    assert f"{path}{line}: {message}" in problems, err
    assert all(p.startswith(f"{path}:") for p in problems), err


def test_every_hostile_file_has_an_expectation() -> None:
    files = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.glob("*/*.*")}
    assert files == {name for name, _, _ in expectations()}


def test_a_nul_byte_no_longer_cuts_the_registry_short() -> None:
    """Everything before the NUL is a valid registry of one observance: yaml-rs stopped there
    and `validate` said "no problems found"."""
    text = (HOSTILE / "registries" / "nul_byte.yaml").read_text(encoding="utf-8")
    before = text.partition("\x00")[0]
    assert "\n  - id: fixed\n" in before
    assert "id: nth" not in before


@pytest.mark.parametrize("kind", ["registries", "profiles"])
def test_a_file_over_the_size_limit_is_refused_unread(kind: str, tmp_path: Path) -> None:
    path = tmp_path / kind / "huge.yaml"
    path.parent.mkdir()
    path.write_bytes(b"# padding\n" * (LIMIT // 10 + 1))
    code, _, err = observances(*command_for(path))
    assert code == 2
    assert err.startswith(f"{path}: too large (4.0 MiB); the limit is 4 MiB\n"), err


def test_many_control_characters_are_listed_with_a_bound(tmp_path: Path) -> None:
    path = tmp_path / "registries" / "many.yaml"
    path.parent.mkdir()
    path.write_text("revision: 2026-01-15\n" + "a: \x07\n" * 100, encoding="utf-8")
    code, _, err = observances(*command_for(path))
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == f"{path}:2: a control character (U+0007) is not allowed in YAML; remove it"
    assert lines[-2] == f"{path}:22: more lines hold control characters"
    assert len(lines) == 22


# --- fuzzing: random bytes and random YAML -----------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**17, max_value=10**60),
    st.floats(),
    st.dates(),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=30,
)
fragments = st.sampled_from(
    [
        "&a ",
        "*a",
        "\x00",
        "\x1b",
        "\ufeff",
        "[" * 50,
        "]",
        "9" * 5000,
        "---\n",
        "...\n",
        "? ",
        "!!python/object:os.system ",
        "!!binary ",
        "{",
        "'",
        '"',
        ": ",
        "\n  - ",
        "<<: *a\n",
    ]
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """A valid registry with random edits, or random data dumped as YAML with random insertions."""
    if draw(st.booleans()):
        text = SMALL.read_text(encoding="utf-8")
    else:
        text = yaml.safe_dump(
            draw(values), allow_unicode=True, default_flow_style=draw(st.booleans())
        )
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.one_of(fragments, st.text(max_size=10))) + text[at:]
    return text


def check_one(tmp_path: Path, kind: str, data: bytes) -> None:
    path = tmp_path / kind / "fuzz.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    started = time.monotonic()
    code, _, err = observances(*command_for(path))
    assert time.monotonic() - started < SECONDS
    assert code in (0, 2), err
    if code == 2:
        problems = err.splitlines()[:-1]
        assert problems, err
        assert all(p.startswith(f"{path}") for p in problems), err


FUZZ = settings(
    max_examples=150,
    derandomize=True,  # the same examples on every run, so that CI stays stable
    deadline=dt.timedelta(seconds=SECONDS),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.binary(max_size=2000), kind=st.sampled_from(["registries", "profiles"]))
def test_random_bytes_give_exit_2_with_a_message(tmp_path: Path, data: bytes, kind: str) -> None:
    check_one(tmp_path, kind, data)


@FUZZ
@given(text=yaml_texts(), kind=st.sampled_from(["registries", "profiles"]))
def test_random_yaml_gives_success_or_exit_2_with_a_message(
    tmp_path: Path, text: str, kind: str
) -> None:
    check_one(tmp_path, kind, text.encode("utf-8", "surrogatepass"))


# --- settings from the environment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "OBSERVANCES_MAIL_TO_BY_TAG",
            "{bad",
            "environment variable OBSERVANCES_MAIL_TO_BY_TAG: not valid JSON (Expecting property "
            "name enclosed in double quotes: line 1 column 2 (char 1)) (Extra recipients by "
            "registry tag, added to mail_to; in the environment as JSON: "
            '{"human-rights": ["rights@example.org"]}.)',
        ),
        (
            "OBSERVANCES_DATABASE_URL",
            "mysql://user@host/db",
            "environment variable OBSERVANCES_DATABASE_URL: database_url = "
            "'mysql://user@host/db': 'mysql' is not supported; use a URL such as "
            "sqlite:///data/outbox.sqlite3 or postgresql+psycopg://user@host/db (SQLAlchemy URL "
            "of the outbox database; default sqlite:///<data_dir>/outbox.sqlite3.)",
        ),
        (
            "OBSERVANCES_SMTP_TIMEOUT",
            "nan",
            "environment variable OBSERVANCES_SMTP_TIMEOUT: smtp_timeout = 'nan': Input should "
            "be a finite number (Seconds to wait for the SMTP server (0.1-600).)",
        ),
        (
            "OBSERVANCES_SEND_TIME",
            "09:00+09:00",
            "environment variable OBSERVANCES_SEND_TIME: send_time = '09:00+09:00': "
            "09:00:00+09:00 has an offset; write the local time of day only, such as 09:00 (the "
            "zone is the `timezone` setting) (Local time of day drafts are sent, e.g. 09:00, "
            "without an offset (the zone is `timezone`).)",
        ),
        (
            "OBSERVANCES_FEED_ALARM_DAYS",
            "1,9999",
            "environment variable OBSERVANCES_FEED_ALARM_DAYS: feed_alarm_days.1 = '9999': Input "
            "should be less than or equal to 365 (VALARM reminders N days (0-365) before each "
            "event, comma-separated; off if empty.)",
        ),
        (
            "OBSERVANCES_TIMEZONE",
            "A" * 5000,
            "environment variable OBSERVANCES_TIMEZONE: timezone = "
            f"'{'A' * 54}...': unknown time zone '{'A' * 54}...'; use an IANA name such as "
            "Europe/Paris (IANA time zone of the send time, e.g. Europe/Paris.)",
        ),
    ],
    ids=["json", "database", "nan", "offset", "alarm", "long-zone"],
)
def test_a_bad_environment_variable_is_named_with_what_is_allowed(
    variable: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    code, out, err = observances("status")
    assert (code, out, err.count("\n")) == (2, "", 1), err
    # "environment variable VAR: name = 'value': what is wrong (what is allowed)", said as
    # "setting name = 'value' (from environment VAR): what is wrong (what is allowed); ..."
    source, _, rest = message.partition(": ")
    assert err.startswith(f"error: {source}: ") or f"(from environment {variable})" in err, err
    assert rest.split("': ", 1)[-1] in err, err


def test_settings_that_contradict_each_other_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OBSERVANCES_RETRY_INITIAL_SECONDS", "600")
    monkeypatch.setenv("OBSERVANCES_RETRY_MAX_SECONDS", "60")
    assert observances("status") == (
        2,
        "",
        "error: settings: retry_max_seconds is less than retry_initial_seconds; the longest "
        "wait must be at least the first\n",
    )


def test_a_key_with_a_line_break_is_shown_escaped(tmp_path: Path) -> None:
    """Found by the fuzz test: a quoted key "\\r" was printed raw, splitting the line."""
    path = tmp_path / "registries" / "key.yaml"
    path.parent.mkdir()
    path.write_text('"\\r": null\n', encoding="utf-8")
    code, _, err = observances(*command_for(path))
    assert code == 2
    assert f"{path}:1: ['\\r']: unknown key '\\r'; remove it or check its spelling" in err
    assert all(line.startswith(str(path)) for line in err.splitlines()[:-1]), err
