"""Password hashing and policy, shared by account activation and sign-in.

Hashes use scrypt through werkzeug (a modern memory-hard algorithm); plaintext is never stored.
Activation codes are stored as sha256 only: they are long random strings, used once."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import ValidationFailed

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    check_policy(password)
    return generate_password_hash(password, method="scrypt")


def verify_password(stored_hash: str | None, password: str) -> bool:
    return bool(stored_hash) and check_password_hash(stored_hash, password)


def check_policy(password: str) -> None:
    """At least 10 characters with letters and digits; raise ValidationFailed saying which rule."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(f"Kata sandi minimal {MIN_LENGTH} karakter.",
                               f"The password needs at least {MIN_LENGTH} characters.")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise ValidationFailed("Kata sandi harus berisi huruf dan angka.",
                               "The password needs letters and digits.")


def new_code() -> str:
    """A human-typable one-time code, e.g. 'K7QX-M2PA-9RTD' (groups of 4, no 0/O/1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def code_digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def code_matches(digest: str, code: str) -> bool:
    return hmac.compare_digest(digest, code_digest(code))
