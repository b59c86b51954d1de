"""Thin Flask front end: app factory and one blueprint per audience. Views parse input, call one
service and render; all rules live in ``workflow.services``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from workflow.config import Settings
from workflow.services import Runtime

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults, then the environment (``Settings``), then ``test_config`` (which may carry a
    ready ``RUNTIME``)."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_relative_config=False)
    settings = Settings.from_env()
    app.config.from_mapping(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False,
                            SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                            WTF_CSRF_TIME_LIMIT=8 * 3600, BABEL_DEFAULT_LOCALE="id")
    if test_config:
        app.config.update(test_config)
    runtime = app.config.get("RUNTIME") or Runtime.from_settings(settings)
    app.extensions["p2ham"] = runtime
    if not app.config.get("TESTING"):
        _dispatch_after_commit(runtime, settings)

    from . import admin, api, auth, case_migration, definition_editor, operator, penilai, public, site, verifikator

    site.init_app(app)
    app.register_blueprint(public.bp)
    for module in (auth, operator, verifikator, penilai, admin, definition_editor, case_migration, api):
        app.register_blueprint(module.bp)
    __import__("web.verify").verify.init_app(app)  # public document verification
    return app


def _dispatch_after_commit(runtime: Runtime, settings: Settings) -> None:
    """Hand the timers and outbox rows a request committed to the workers right away (the
    sweeper would otherwise pick them up within a minute). Redis is reached lazily, per flush."""
    from workflow.jobs import dispatch
    from workflow.jobs.connection import connect

    client = []

    def redis():
        if not client:
            client.append(connect(settings.jobs))
        return client[0]

    dispatch.install(runtime.store, redis, settings.jobs, runtime.now)


def runtime() -> Runtime:
    from flask import current_app

    return current_app.extensions["p2ham"]
