"""Sending one e-mail by SMTP with the configured host, port, TLS mode and credentials."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from .settings import JobSettings


class SmtpMailer:
    def __init__(self, settings: JobSettings):
        self.s = settings

    @property
    def sender(self) -> str:
        return self.s.mail_sender

    def send(self, msg: EmailMessage) -> None:
        """Hand ``msg`` to the SMTP server; raises ``smtplib.SMTPException`` or ``OSError``."""
        s = self.s
        if s.smtp_tls == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        with client:
            if s.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password or "")
            client.send_message(msg)
