"""The verifier's pages (Verifikator): inbox, pool, case and decisions."""

from .reviewers import make_blueprint

bp = make_blueprint("verifikator", "/verifikator")
