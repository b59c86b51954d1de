"""A development SMTP server (aiosmtpd) that keeps every message it receives as a readable
``.eml`` file in the instance folder's ``mailbox/``, instead of sending it anywhere."""

from __future__ import annotations

import itertools
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class MailboxHandler:
    def __init__(self, folder: Path, echo=print):
        self.folder = folder
        self.echo = echo
        self._seq = itertools.count(1)
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._seq):04d}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        self.echo(f"{name}: {envelope.mail_from} -> {', '.join(envelope.rcpt_tos)}: {msg['Subject']}")
        return "250 Message accepted for delivery"


def controller(folder: Path, host: str, port: int, echo=print) -> Controller:
    return Controller(MailboxHandler(folder, echo), hostname=host, port=port)
