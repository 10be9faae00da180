"""The 议事厅 web UI: a thin Flask shell over deliberate's core and store.

``create_app(config=None)`` builds the application: the store on the configured database (the
SQLite file in the instance folder by default), sessions and CSRF for officials, signed links
for voters, the three languages, and the blueprints by audience — ``public``, ``hall`` (the
chair's console), ``ballot`` (a voter's phone), ``screen`` (the projector).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as NotFoundPage
from werkzeug.middleware.proxy_fix import ProxyFix

from deliberate.errors import ChainBroken
from deliberate.usecases import Missing, open_store

from . import (
    admin,
    api,
    auth,
    ballot,
    cards,
    dossier,
    hall,
    logprivacy,
    matters,
    objections,
    public,
    screen,
    security,
    steps,
    submissions,
)
from .address import PUBLIC_URL_ENV, external_url, parse_public_url, phone_address
from .auth import current_account
from .i18n import LANG_NAMES, current_lang, select_locale, t
from .qr import qr_svg
from .wellformed import refuse_nul

__all__ = ["create_app"]


def _secret_key(instance: Path) -> str:
    """A secret kept in the instance folder, made once."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=(os.environ.get("DELIBERATE_INSTANCE") and
                str(Path(os.environ["DELIBERATE_INSTANCE"]).resolve())) or None)
    instance = Path(app.instance_path)
    app.config.update(
        PROXY_HOPS=int(os.environ.get("DELIBERATE_PROXY_HOPS") or 0),
        # Where villagers reach the site (https://host[/path]): every absolute link and QR code.
        PUBLIC_URL=os.environ.get(PUBLIC_URL_ENV) or None,
        DATABASE_URL=os.environ.get("DELIBERATE_DATABASE_URL")
        or f"sqlite:///{instance / 'deliberate.sqlite3'}",
        TIMEZONE="Asia/Shanghai",
        # A sitting can run all day: the login and its CSRF token last through it.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=14),
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    if config:
        app.config.update(config)
    app.config["PUBLIC_URL"] = parse_public_url(app.config.get("PUBLIC_URL"))
    if (app.config["PUBLIC_URL"] or "").startswith("https://") and "SESSION_COOKIE_SECURE" not in (config or {}):
        app.config["SESSION_COOKIE_SECURE"] = True  # never send the login cookie over plain HTTP
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    if app.config.get("PROXY_HOPS"):
        # Behind a reverse proxy every request comes from the proxy's address; trust that many
        # proxies' X-Forwarded-For so per-address limits count villagers, not the proxy.
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    store = open_store(app.config["DATABASE_URL"])
    app.extensions["deliberate"] = store
    logprivacy.install(app)

    @app.before_request
    def _upload_allowance() -> None:
        # Only the progress form carries files; it may exceed the usual 2 MB. This runs before
        # CSRFProtect, which is the first to read the form.
        if request.endpoint == "steps.progress":
            request.max_content_length = steps.UPLOAD_LIMIT

    security.install(app)
    refuse_nul(app)  # after the upload allowance: it reads the form
    csrf = CSRFProtect(app)
    Babel(app, locale_selector=select_locale)

    for blueprint in (public.bp, auth.bp, hall.bp, ballot.bp, screen.bp, matters.bp, admin.bp,
                      objections.bp, submissions.bp, steps.bp, api.bp, cards.bp, dossier.bp):
        app.register_blueprint(blueprint)
    # Officials' forms carry CSRF tokens; a voter's form is authorised by its signed link instead
    # (see webui.ballot.vote).
    csrf.exempt(ballot.vote)
    csrf.exempt(cards.open_card)  # authorised by the card's code it carries, like a voter's link
    # The public forms (an objection, a villager's submission) are anonymous: they act with no
    # session's authority, so a forged cross-site post could do nothing a direct one could not.
    # Without a per-session token the pages that carry them can be cached (webui.pagecache).
    csrf.exempt(objections.lodge)
    csrf.exempt(submissions.lodge)

    @app.before_request
    def _language() -> None:
        select_locale()

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"t": t, "lang": current_lang(), "LANG_NAMES": LANG_NAMES,
                "return_targets": objections.return_targets,
                "account": current_account(), "html_lang": current_lang().replace("_", "-")}

    # The address phones open, for the pages that show it (the chair's console, the projector).
    app.jinja_env.globals.update(phone_address=phone_address, external_url=external_url, qr_svg=qr_svg)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Any:
        return render_template("error.html", message=t("csrf")), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):  # programs get JSON, whatever went wrong
            code = {404: "not_found", 405: "method_not_allowed"}.get(error.code or 0, "bad_request")
            return api.error(error.code or 400, code)
        key = {401: "login_needed", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(error.code or 0,
                                                                            "bad_request")
        return render_template("error.html", message=t(key)), error.code

    @app.errorhandler(Missing)
    def _missing(error: Missing) -> Any:
        # A use case found no village, sitting or matter by the id the URL names.
        return _http(NotFoundPage())

    @app.errorhandler(ChainBroken)
    def _record_broken(error: ChainBroken) -> Any:
        # The record fails its check: no page, answer or console may present its figures as the
        # village's, and the store refuses every command for the village until it is restored.
        if request.path.startswith("/api/"):
            return api.record_broken(error)
        return render_template("alarm.html", height=error.height,
                               detail=error.fields.get("reason")), 503

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:  # pragma: no cover - the last line of defence
        app.logger.exception("unhandled error on %s", logprivacy.redact(request.path))
        return render_template("error.html", message=t("server_error")), 500

    return app
