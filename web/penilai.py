"""The assessor's pages (Penilai): inbox, pool, case; the scoring sheet joins them later."""

from .reviewers import make_blueprint

bp = make_blueprint("penilai", "/penilai")
