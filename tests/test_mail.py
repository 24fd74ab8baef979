"""Messages and transports: headers that cannot be injected, SMTP replies sorted into
transient and permanent against a real aiosmtpd server, and Maildir/dry-run parity."""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import mailbox
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from service_kit import PlainDraft, SmtpServer, at, free_port, smtp_server

from observances.delivery.mail import (
    DeliveryError,
    DryRunTransport,
    Envelope,
    MaildirTransport,
    SmtpTransport,
    build_message,
    clean_header,
    recipients_for,
    subject_line,
)
from observances.delivery.planner import SendKey

KEY = SendKey("south-south-cooperation", dt.date(2027, 9, 12), 7)
NOW = at("2027-09-05T09:00:00")
ENVELOPE = Envelope(
    KEY, "<obs.0123456789abcdef@example.org>", "drafts@example.org", ("a@example.org",)
)


def draft(
    subject: str = "AIPR marks the United Nations Day for South-South Cooperation",
) -> PlainDraft:
    return PlainDraft(
        subject=subject,
        markdown="# Statement\n\nText with [QUOTE].\n",
        text="Statement\n\nText with [QUOTE].\n",
        html="<html><body><h1>Statement</h1><p>Text with [QUOTE].</p></body></html>",
        placeholders=("[QUOTE]", "[SIGNATORY]"),
        dates="12 September 2027",
    )


def message() -> EmailMessage:
    return build_message(draft(), ENVELOPE, NOW, days_ahead=7)


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with smtp_server() as running:
        yield running


def smtp(server: SmtpServer, timeout: float = 5.0) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, security="none", timeout=timeout)


# --- the message -------------------------------------------------------------------------------


def test_subject_says_the_real_distance_and_names_the_date_once() -> None:
    assert subject_line(draft().subject, "12 September 2027", 11) == (
        "[Draft, in 11 days] AIPR marks the United Nations Day for South-South Cooperation,"
        " 12 September 2027"
    )
    assert subject_line("X, 12 September 2027", "12 September 2027", 1) == (
        "[Draft, tomorrow] X, 12 September 2027"
    )
    assert subject_line("X", "12 September 2027", 0) == "[Draft, today] X, 12 September 2027"
    assert subject_line("X", "12 de septiembre de 2027", 5, "es") == (
        "[Borrador, en 5 días] X, 12 de septiembre de 2027"
    )
    assert subject_line("X", "12 de septiembre de 2027", 1, "es").startswith("[Borrador, mañana]")
    assert subject_line("X", "12 de septiembre de 2027", 0, "es").startswith("[Borrador, hoy]")


@pytest.mark.parametrize(
    ("subject", "dates"),
    [
        (
            "AIPR marks World Interfaith Harmony Week, 1\u20137 February 2027",
            "1\u20137 February 2027",
        ),
        ("AIPR conmemora el Día ..., 12 de septiembre de 2027", "12 de septiembre de 2027"),
    ],
)
def test_a_subject_names_the_date_once_in_the_drafts_language(subject: str, dates: str) -> None:
    # the draft words its own dates; the subject must not add an English date after them
    assert subject_line(subject, dates, 7) == f"[Draft, in 7 days] {subject}"


def test_message_has_alternatives_attachments_and_the_placeholders_on_top() -> None:
    msg = build_message(draft(), ENVELOPE, NOW, days_ahead=7)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/markdown",
    ]
    assert msg["Message-ID"] == ENVELOPE.message_id
    assert msg["In-Reply-To"] is None  # no thread given: the first mail of its occurrence
    assert msg["Date"] == "Sun, 05 Sep 2027 09:00:00 +0000"
    names = [a.get_filename() for a in msg.iter_attachments()]
    assert names == [
        "2027-09-12-south-south-cooperation.docx",
        "2027-09-12-south-south-cooperation.md",
    ]
    body = msg.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith("Fill in before publishing:\n  - [QUOTE]\n  - [SIGNATORY]")
    html = msg.get_body(("html",))
    assert html is not None
    assert "<body><p style=" in html.get_content()
    assert "Fill in before publishing" in html.get_content()


def test_a_reply_in_the_thread_points_at_the_first_mail_and_keeps_its_own_id() -> None:
    first = "<obs.aaaaaaaaaaaaaaaa@example.org>"
    reply = Envelope(KEY, ENVELOPE.message_id, "d@example.org", ("a@example.org",), thread=first)
    msg = build_message(draft(), reply, NOW, days_ahead=1)
    assert msg["Message-ID"] == ENVELOPE.message_id
    assert msg["In-Reply-To"] == first
    assert msg["References"] == first


@pytest.mark.parametrize("breaker", ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b"])
def test_no_line_break_in_registry_text_can_start_a_header(breaker: str) -> None:
    evil = f"AIPR marks the Day{breaker}Bcc: victim@example.com"
    msg = build_message(draft(evil), ENVELOPE, NOW, days_ahead=7)
    wire = msg.as_bytes()
    assert b"\r\nBcc:" not in wire
    parsed = BytesParser(policy=email.policy.default).parsebytes(wire)
    assert parsed["Bcc"] is None
    assert "Bcc: victim@example.com" in str(parsed["Subject"])


def test_clean_header_drops_controls_and_joins_whitespace() -> None:
    assert clean_header(" a\x00b\t\r\n  c\u2028d ") == "ab c d"


def test_recipients_add_routes_by_tag_and_program_once_each() -> None:
    found = recipients_for(
        ("human-rights", "development"),
        ("africa",),
        ("comms@example.org",),
        {"human-rights": ("rights@example.org", "comms@example.org")},
        {"africa": ("africa@example.org",), "asia": ("asia@example.org",)},
    )
    assert found == ("comms@example.org", "rights@example.org", "africa@example.org")


# --- SMTP --------------------------------------------------------------------------------------


def test_smtp_delivers_the_message_as_built(server: SmtpServer) -> None:
    msg = build_message(draft(), ENVELOPE, NOW, days_ahead=7)
    refused = smtp(server).send(msg, "drafts@example.org", ["a@example.org"])
    assert refused == {}
    [received] = server.accepted
    assert received.recipients == ["a@example.org"]
    assert received.message["Message-ID"] == ENVELOPE.message_id
    assert received.message["Subject"] == msg["Subject"]


def test_a_recipient_refused_among_accepted_ones_is_returned_not_raised(
    server: SmtpServer,
) -> None:
    server.script.rcpt["nobody@example.org"] = ["550 5.1.1 No such user"]
    msg = build_message(draft(), ENVELOPE, NOW, days_ahead=7)
    refused = smtp(server).send(msg, "drafts@example.org", ["a@example.org", "nobody@example.org"])
    assert refused == {"nobody@example.org": (550, "5.1.1 No such user")}
    assert [r.recipients for r in server.accepted] == [["a@example.org"]]


@pytest.mark.parametrize(
    ("rcpt", "data", "permanent"),
    [
        (["451 4.3.0 Try again later"], [], False),
        (["550 5.1.1 No such user"], [], True),
        ([], ["452 4.3.1 Insufficient storage"], False),
        ([], ["554 5.6.0 Message rejected"], True),
    ],
)
def test_smtp_replies_are_sorted_into_transient_and_permanent(
    server: SmtpServer, rcpt: list[str], data: list[str], permanent: bool
) -> None:
    server.script.rcpt["a@example.org"] = rcpt
    server.script.data = data
    with pytest.raises(DeliveryError) as caught:
        smtp(server).send(message(), "d@example.org", ["a@example.org"])
    assert caught.value.permanent is permanent


def test_nothing_listening_is_transient() -> None:
    transport = SmtpTransport("127.0.0.1", free_port(), security="none", timeout=2)
    with pytest.raises(DeliveryError, match="cannot connect") as caught:
        transport.send(message(), "d@example.org", ["a@example.org"])
    assert not caught.value.permanent


def test_a_server_slower_than_the_timeout_is_transient(server: SmtpServer) -> None:
    server.script.data_delays = [3.0]
    with pytest.raises(DeliveryError) as caught:
        smtp(server, timeout=0.5).send(message(), "d@example.org", ["a@example.org"])
    assert not caught.value.permanent


def test_starttls_against_a_server_without_it_is_transient(server: SmtpServer) -> None:
    transport = SmtpTransport("127.0.0.1", server.port, security="starttls", timeout=5)
    with pytest.raises(DeliveryError) as caught:
        transport.send(message(), "d@example.org", ["a@example.org"])
    assert not caught.value.permanent


def test_the_password_never_shows_in_the_transport_or_its_errors() -> None:
    transport = SmtpTransport(
        "127.0.0.1", free_port(), security="none", username="u", password="hunter2", timeout=1
    )
    assert "hunter2" not in repr(transport)
    with pytest.raises(DeliveryError) as caught:
        transport.send(message(), "d@example.org", ["a@example.org"])
    assert "hunter2" not in str(caught.value)


# --- parity ------------------------------------------------------------------------------------


def _shape(msg: EmailMessage) -> list[tuple[str, str | None, str]]:
    headers = [(name, str(msg[name]), "") for name in ("Subject", "From", "To", "Date")]
    headers += [("Message-ID", str(msg["Message-ID"]), "")]
    parts = [
        (part.get_content_type(), part.get_filename(), str(part.get_content()).replace("\r", ""))
        for part in msg.walk()
        if not part.is_multipart()
    ]
    return headers + parts


def test_maildir_and_dry_run_match_what_smtp_delivers(
    server: SmtpServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    msg = build_message(draft(), ENVELOPE, NOW, days_ahead=7)
    smtp(server).send(msg, "d@example.org", ["a@example.org"])
    MaildirTransport(tmp_path / "maildir").send(msg, "d@example.org", ["a@example.org"])
    [stored] = list(mailbox.Maildir(tmp_path / "maildir", create=False).iterkeys())
    raw = (tmp_path / "maildir" / "new" / stored).read_bytes()
    from_maildir = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(from_maildir, EmailMessage)
    assert _shape(from_maildir) == _shape(server.accepted[0].message)
    with caplog.at_level(logging.INFO, logger="observances.delivery.mail"):
        assert DryRunTransport().send(msg, "d@example.org", ["a@example.org"]) == {}
    assert ENVELOPE.message_id in caplog.text
    assert "text/markdown" in caplog.text
