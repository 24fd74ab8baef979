"""How a draft leaves: content -> EmailMessage -> SMTP, a Maildir outbox, or the log.

Every header value is whitespace-normalized before it is set, so that a CR, LF or U+2028 in
registry text can never start a new header; EmailMessage's own ValueError stays as a backstop.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
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
from observances.drafts.markup import document, fill_in_list
from observances.drafts.wordfile import to_docx
from observances.errors import ObservancesError
from observances.words import for_language

log = logging.getLogger(__name__)

Refused = dict[str, tuple[int, str]]
"""Recipients the server refused while accepting the message for others: address -> reply."""


class DraftContent(Protocol):
    """What the mail needs from a rendered draft (drafts.Draft has these and more)."""

    @property
    def subject(self) -> str: ...
    @property
    def language(self) -> str: ...
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
    """A send that did not go through; `permanent` says whether trying again can help, and
    `ambiguous` that the server received the whole message (DATA) but never gave its final
    reply, so it may have delivered it."""

    def __init__(self, message: str, *, permanent: bool, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.ambiguous = ambiguous


def clean_header(value: str) -> str:
    """One line: every run of whitespace (CR, LF, U+2028, tab...) becomes one space and other
    control characters are dropped."""
    value = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(value.split())


def subject_line(content_subject: str, dates: str, days_ahead: int, language: str = "en") -> str:
    """ "[Draft, in 11 days] AIPR marks Human Rights Day, 10 December 2026". The tag says how
    far the day is when the mail leaves (not the lead time planned), in the draft's language;
    after it comes the stem every mail of the occurrence shares. `dates` are added only when
    the draft's own subject does not already give them, so the subject names the date once."""
    return (
        f"[{for_language(language).draft_label(days_ahead)}] {subject_stem(content_subject, dates)}"
    )


def subject_stem(content_subject: str, dates: str) -> str:
    """The part of the subject every mail of one occurrence shares: the draft's subject with
    the dates, once."""
    subject = clean_header(content_subject)
    when = clean_header(dates)
    return subject if when in subject else f"{subject}, {when}"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends and receives one draft, and the identity it carries."""

    key: SendKey
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    thread: str | None = None
    """The Message-ID of the first mail sent for this occurrence, which this one answers;
    None for the first one."""
    sender_name: str = ""
    """The display name on From ("AIPR drafts"); none when empty."""


def build_message(
    content: DraftContent,
    envelope: Envelope,
    now: dt.datetime,
    *,
    days_ahead: int,
    label: str | None = None,
) -> EmailMessage:
    """The email for one draft: text and HTML alternatives with the placeholders listed on top,
    and the draft attached as <date>-<id>.docx and <date>-<id>.md. `days_ahead` is the
    distance from the local date at sending to the occurrence's first day, which the subject
    states. `label` replaces the draft's tag ("Correction") for a notice."""
    key = envelope.key
    msg = EmailMessage(policy=email.policy.SMTP)
    if label:
        msg["Subject"] = f"[{clean_header(label)}] {subject_stem(content.subject, content.dates)}"
    else:
        msg["Subject"] = subject_line(content.subject, content.dates, days_ahead, content.language)
    # Outlook groups a conversation by this topic; the other clients by References
    msg["Thread-Topic"] = subject_stem(content.subject, content.dates)
    sender = clean_header(envelope.sender)
    name = clean_header(envelope.sender_name)
    msg["From"] = email.utils.formataddr((name, sender)) if name else sender
    msg["To"] = ", ".join(clean_header(r) for r in envelope.recipients)
    msg["Date"] = email.utils.format_datetime(now.astimezone(dt.UTC))
    msg["Message-ID"] = clean_header(envelope.message_id)
    if envelope.thread and envelope.thread != envelope.message_id:
        msg["In-Reply-To"] = clean_header(envelope.thread)
        msg["References"] = clean_header(envelope.thread)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg["X-Observance-Key"] = clean_header(str(key))
    msg.set_content(_text_body(content))
    msg.add_alternative(_html_body(content, str(msg["Subject"])), subtype="html")
    # the draft as people edit it: Word (Google Docs and LibreOffice open it too), and Markdown
    name = f"{key.occurrence_date.isoformat()}-{key.observance_id}"
    msg.add_attachment(
        to_docx(content.markdown, str(msg["Subject"]), content.language),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=f"{name}.docx",
    )
    msg.add_attachment(content.markdown, subtype="markdown", filename=f"{name}.md")
    return msg


def _text_body(content: DraftContent) -> str:
    if not content.placeholders:
        return content.text
    todo = "\n".join(f"  - {p}" for p in content.placeholders)
    return f"{for_language(content.language).fill_in()}\n{todo}\n\n{'-' * 72}\n\n{content.text}"


def _html_body(content: DraftContent, title: str) -> str:
    """A complete HTML document, inline styles only, the placeholders listed on top."""
    todo = ""
    if content.placeholders:
        todo = fill_in_list(for_language(content.language).fill_in(), content.placeholders)
    body_at = content.html.lower().find("<body")
    if body_at >= 0:  # already a whole document: the list goes first inside <body>
        end = content.html.index(">", body_at) + 1
        return content.html[:end] + todo + content.html[end:]
    return document(title, todo + content.html, content.language)


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


_FINAL_REPLY = 2
"""After DATA, the server's first reply is 354 (go ahead), its second the verdict."""


class _SMTP(smtplib.SMTP):
    """smtplib's client, knowing when the message's end (CRLF.CRLF) has gone out
    and the final reply has not come back, the one moment where a failure leaves the outcome
    unknown. smtplib's data() sends the body, then calls getreply() for the final reply."""

    awaiting_final_reply = False
    _in_data = False
    _data_replies = 0

    def data(self, msg: bytes | str) -> tuple[int, bytes]:  # type: ignore[override]
        self._in_data, self._data_replies = True, 0
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def getreply(self) -> tuple[int, bytes]:
        if self._in_data:
            self._data_replies += 1  # the first is 354 "go ahead", the second the verdict
            self.awaiting_final_reply = self._data_replies == _FINAL_REPLY
        reply = super().getreply()
        self.awaiting_final_reply = False
        return reply


class _SMTP_SSL(smtplib.SMTP_SSL, _SMTP):
    """Implicit TLS, with the same tracking (SMTP_SSL only replaces the socket)."""


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

    def _tls(self) -> ssl.SSLContext:
        # Made once: loading the system's CA certificates takes a noticeable time (0.2 s a
        # send on a busy machine), and only TLS needs them.
        if self.context is None:
            self.context = ssl.create_default_context()
        return self.context

    def _connect(self) -> _SMTP | _SMTP_SSL:
        if self.security == "tls":
            return _SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls())
        client = _SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=self._tls())
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
            if client.awaiting_final_reply:
                raise DeliveryError(
                    f"the server took the message and gave no final reply: {_describe(exc)}",
                    permanent=False,
                    ambiguous=True,
                ) from None
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
            # Before every delivery, not once: a folder removed while the service runs (what
            # `rm -rf` racing a write leaves) is made again instead of failing every draft.
            for folder in ("tmp", "new", "cur"):
                (self.path / folder).mkdir(parents=True, exist_ok=True)
            box = mailbox.Maildir(self.path, create=False)
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
