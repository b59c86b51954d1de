"""Uploaded files, at the edge of the core: content checks (``check``: magic bytes, PDF parsing
with pypdf, image decoding with Pillow) and content-addressed storage on disk (``blobs``)."""

from .blobs import BlobStore
from .check import CheckedFile, check_file

__all__ = ["BlobStore", "CheckedFile", "check_file"]
