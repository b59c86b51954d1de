"""Settings of the official documents: signer, letterhead, numbering, verification URL, activation.

Pure (no reportlab import), read with the rest of ``Settings``; a malformed value fails at start."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_LETTERHEAD = (
    "KEMENTERIAN HUKUM DAN HAK ASASI MANUSIA REPUBLIK INDONESIA",
    "DIREKTORAT JENDERAL HAK ASASI MANUSIA",
    "Jalan H.R. Rasuna Said Kav. 6-7, Kuningan, Jakarta Selatan 12940",
    "Telepon (021) 5253006, Laman www.ham.go.id",
)


@dataclass(frozen=True)
class DocumentSettings:
    letterhead: tuple[str, ...] = DEFAULT_LETTERHEAD
    place: str = "Jakarta"
    signer_name: str = "Dr. Dhahana Putra, Bc.IP., S.H., M.Si."
    signer_position: str = "Direktur Jenderal Hak Asasi Manusia"
    signer_nip: str = "197101031994031001"
    public_base_url: str = "http://127.0.0.1:5000"
    number_pattern: str = "{seq:03d}/P2HAM/DJHAM/{year}"
    activation_days: int = 14

    @classmethod
    def from_env(cls, env=None) -> "DocumentSettings":
        env = os.environ if env is None else env
        d = cls()
        days = env.get("P2HAM_ACTIVATION_DAYS") or str(d.activation_days)
        if not days.isdigit() or int(days) < 1:
            raise ValueError(f"P2HAM_ACTIVATION_DAYS harus bilangan bulat positif, bukan {days!r}")
        pattern = env.get("P2HAM_DOCUMENT_NUMBER_PATTERN") or d.number_pattern
        try:
            sample = pattern.format(seq=1, year=2023)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"P2HAM_DOCUMENT_NUMBER_PATTERN tidak sah ({exc}); contoh: "
                             "{seq:03d}/P2HAM/DJHAM/{year}") from None
        if sample == pattern.format(seq=2, year=2023):
            raise ValueError("P2HAM_DOCUMENT_NUMBER_PATTERN harus memuat {seq}")
        letterhead = env.get("P2HAM_LETTERHEAD")
        return cls(
            letterhead=tuple(x.strip() for x in letterhead.split("|")) if letterhead else d.letterhead,
            place=env.get("P2HAM_DOCUMENT_PLACE") or d.place,
            signer_name=env.get("P2HAM_SIGNER_NAME") or d.signer_name,
            signer_position=env.get("P2HAM_SIGNER_POSITION") or d.signer_position,
            signer_nip=env.get("P2HAM_SIGNER_NIP") or d.signer_nip,
            public_base_url=(env.get("P2HAM_PUBLIC_BASE_URL") or d.public_base_url).rstrip("/"),
            number_pattern=pattern,
            activation_days=int(days),
        )

    def number(self, seq: int, year: int) -> str:
        return self.number_pattern.format(seq=seq, year=year)

    def verify_url(self, short_code: str) -> str:
        return f"{self.public_base_url}/verifikasi/{short_code}"
