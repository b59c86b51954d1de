"""Content-addressed file storage: a file is stored once under its sha256, in a directory outside
the web root (``P2HAM_UPLOAD_DIR``). Names given by users never reach the file system; a blob is
never overwritten, and its hash is checked again when it is read."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(RuntimeError):
    """A stored row names a blob that is missing or whose content no longer matches its hash."""


class BlobStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):  # the only name that ever becomes a path is a hex digest
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; return (sha256, created). Writing goes through a temporary file in the
        same directory and an atomic rename, so a reader never sees a half-written blob."""
        sha = self.digest(data)
        target = self.path(sha)
        if target.is_file():
            return sha, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o440)
            if target.exists():  # another writer stored the same content meanwhile
                os.unlink(tmp)
                return sha, False
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return sha, True

    def get(self, sha256: str) -> bytes:
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise BlobMissing(f"blob {sha256} is missing from {self.root}") from exc
        if self.digest(data) != sha256:
            raise BlobMissing(f"blob {sha256} does not match its hash (changed on disk)")
        return data

    def files(self) -> list[Path]:
        """Every stored blob (for tests and maintenance)."""
        return sorted(p for p in self.root.glob("*/*/*") if p.is_file()) if self.root.exists() else []
