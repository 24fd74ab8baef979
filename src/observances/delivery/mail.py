"""How a draft leaves: content -> EmailMessage -> SMTP, a Maildir outbox, or the log.

Every header value is whitespace-normalized before it is set, so that a CR, LF or U+2028 in
registry text can never start a new header; EmailMessage's own ValueError stays as a backstop.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import html
import logging
import mailbox
import smtplib
import ssl
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

from observances.delivery.planner import SendKey
from observances.errors import ObservancesError

log = logging.getLogger(__name__)

Refused = dict[str, tuple[int, str]]
"""Recipients the server refused while accepting the message for others: address -> reply."""


class DraftContent(Protocol):
    """What the mail needs from a rendered draft (drafts.Draft has these and more)."""

    @property
    def subject(self) -> str: ...
    @property
    def dates(self) -> str:
        """The occurrence's dates as the draft words them, in its language."""
        ...

    @property
    def markdown(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def placeholders(self) -> tuple[str, ...]: ...


class DeliveryError(ObservancesError):
    """A send that did not go through; `permanent` says whether trying again can help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def clean_header(value: str) -> str:
    """One line: every run of whitespace (CR, LF, U+2028, tab...) becomes one space and other
    control characters are dropped."""
    value = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(value.split())


def lead_phrase(lead_days: int) -> str:
    if lead_days == 0:
        return "Draft, for today"
    return f"Draft, {lead_days} day{'s' * (lead_days != 1)} ahead"


def subject_line(content_subject: str, dates: str, lead_days: int) -> str:
    """ "[Draft, 7 days ahead] AIPR marks the ..., 12 September 2027". `dates` are the
    occurrence's dates as the draft words them; they are added only when the draft's own
    subject does not already give them, so the subject names the date once."""
    subject = clean_header(content_subject)
    when = clean_header(dates)
    if when not in subject:
        subject = f"{subject}, {when}"
    return f"[{lead_phrase(lead_days)}] {subject}"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends and receives one draft, and the identity it carries."""

    key: SendKey
    message_id: str
    sender: str
    recipients: tuple[str, ...]


def build_message(content: DraftContent, envelope: Envelope, now: dt.datetime) -> EmailMessage:
    """The email for one draft: text and HTML alternatives with the placeholders listed on top,
    and the Markdown draft attached as <date>-<id>.md."""
    key = envelope.key
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject_line(content.subject, content.dates, key.lead_days)
    msg["From"] = clean_header(envelope.sender)
    msg["To"] = ", ".join(clean_header(r) for r in envelope.recipients)
    msg["Date"] = email.utils.format_datetime(now.astimezone(dt.UTC))
    msg["Message-ID"] = clean_header(envelope.message_id)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Observance-Key"] = clean_header(str(key))
    msg.set_content(_text_body(content))
    msg.add_alternative(_html_body(content), subtype="html")
    msg.add_attachment(
        content.markdown,
        subtype="markdown",
        filename=f"{key.occurrence_date.isoformat()}-{key.observance_id}.md",
    )
    return msg


def _text_body(content: DraftContent) -> str:
    if not content.placeholders:
        return content.text
    todo = "\n".join(f"  - {p}" for p in content.placeholders)
    return f"Fill in before publishing:\n{todo}\n\n{'-' * 72}\n\n{content.text}"


def _html_body(content: DraftContent) -> str:
    if not content.placeholders:
        return content.html
    items = "".join(f"<li>{html.escape(p)}</li>" for p in content.placeholders)
    todo = f"<div><p><strong>Fill in before publishing:</strong></p><ul>{items}</ul><hr></div>"
    body_at = content.html.lower().find("<body")
    if body_at >= 0:  # a whole document: the list goes first inside <body>
        end = content.html.index(">", body_at) + 1
        return content.html[:end] + todo + content.html[end:]
    return todo + content.html


def recipients_for(
    tags: Iterable[str],
    programs: Iterable[str],
    mail_to: Sequence[str],
    by_tag: Mapping[str, Sequence[str]],
    by_program: Mapping[str, Sequence[str]],
) -> tuple[str, ...]:
    """mail_to, plus the routes of the observance's tags and related programs, each once."""
    found = list(mail_to)
    for tag in tags:
        found.extend(by_tag.get(tag, ()))
    for program in programs:
        found.extend(by_program.get(program, ()))
    return tuple(dict.fromkeys(clean_header(r) for r in found if r.strip()))


# --- transports --------------------------------------------------------------------------------


class Transport(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def records(self) -> Literal["sent", "dry_run"]:
        """The outbox status a successful send leaves: sent, or dry_run for the log."""
        ...

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> Refused:
        """Deliver, or raise DeliveryError; return the recipients refused among accepted."""
        ...


Security = Literal["none", "starttls", "tls"]


class SmtpTransport:
    """smtplib, one connection per message. Errors are sorted so the outbox knows what to do:
    4xx, disconnects, timeouts and OSError are transient; 5xx for the message is permanent.
    A 5xx while connecting, logging in or at MAIL FROM (bad password, TLS required, sender
    not allowed) is a configuration problem shared by every row, so it is retried (and shown
    by `status`) rather than failing each draft."""

    name = "smtp"
    records: Literal["sent"] = "sent"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.host, self.port, self.security = host, port, security
        self.username, self._password = username, password
        self.timeout = timeout
        self.context = context

    def __repr__(self) -> str:  # no password, ever
        return f"SmtpTransport({self.host}:{self.port}, {self.security})"

    def _connect(self) -> smtplib.SMTP:
        context = self.context or ssl.create_default_context()
        if self.security == "tls":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> Refused:
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"cannot connect to {self!r}: {_describe(exc)}", permanent=False
            ) from None
        try:
            if self.username:
                client.login(self.username, self._password or "")
        except (OSError, smtplib.SMTPException) as exc:
            _quit(client)
            raise DeliveryError(
                f"login refused by {self!r}: {_describe(exc)}", permanent=False
            ) from None
        try:
            refused = client.send_message(message, sender, list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"every recipient refused: {_replies(exc.recipients)}",
                permanent=all(_permanent(code) for code in codes),
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            # MAIL FROM refused: the sender address or the account, the same for every draft
            raise DeliveryError(f"sender refused: {_describe(exc)}", permanent=False) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(_describe(exc), permanent=_permanent(exc.smtp_code)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(_describe(exc), permanent=False) from None
        finally:
            _quit(client)
        return {
            address: (code, reply.decode("utf-8", "replace"))
            for address, (code, reply) in refused.items()
        }


def _permanent(code: int) -> bool:
    """RFC 5321: a 5yz reply is a permanent failure; 4yz is transient."""
    return code // 100 == 5  # noqa: PLR2004 - the reply class is the first digit


def _quit(client: smtplib.SMTP) -> None:
    # the message was accepted (or not) before this; a failing QUIT changes nothing
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


def _replies(replies: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} {code} {text.decode('utf-8', 'replace')}"
        for address, (code, text) in replies.items()
    )


class MaildirTransport:
    """A Maildir folder (new/ cur/ tmp/) that any mail client opens: the default when no SMTP
    server is configured, so nothing is lost and a person can read what would have been sent.
    """

    name = "maildir"
    records: Literal["sent"] = "sent"

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"MaildirTransport({self.path})"

    def send(
        self,
        message: EmailMessage,
        sender: str,  # noqa: ARG002 - Transport.send's signature: a Maildir has no envelope
        recipients: Sequence[str],  # noqa: ARG002
    ) -> Refused:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes one level only
            box = mailbox.Maildir(self.path, create=True)
            # Maildir files use the local line ending; the SMTP policy would write CRLF
            box.add(message.as_bytes(policy=message.policy.clone(linesep="\n")))
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.path}: {exc}", permanent=False) from None
        return {}


class DryRunTransport:
    """Logs each draft's headers and parts instead of sending it."""

    name = "dry-run"
    records: Literal["dry_run"] = "dry_run"

    def __repr__(self) -> str:
        return "DryRunTransport()"

    def send(
        self,
        message: EmailMessage,
        sender: str,  # noqa: ARG002 - Transport.send's signature: the log names recipients only
        recipients: Sequence[str],
    ) -> Refused:
        parts = ", ".join(part.get_content_type() for part in message.walk())
        log.info(
            "dry run: would send %s to %s: %s [%s]",
            message["Message-ID"],
            ", ".join(recipients),
            message["Subject"],
            parts,
        )
        return {}
