"""The verifier's pages (Verifikator): inbox, pool, case and decisions."""

from .evidence_pages import add_verifier_routes
from .reviewers import make_blueprint

bp = make_blueprint("verifikator", "/verifikator")
add_verifier_routes(bp)
