"""The dossier a township inspects (四议两公开 登记表 / 台账) and a sitting's sign-in sheet (签到表):
pages made to be printed on A4 (``static/dossier.css``), for officials only. They print names — the
sign-in sheet is signed by name in the hall — and never a telephone or ID number."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, render_template

from deliberate.chronology import CHINA_TIME
from deliberate.notice import percent, yuan
from deliberate.usecases import dossier as dossiers

from .address import external_url
from .auth import require
from .qr import qr_svg
from .services import store

__all__ = ["bp"]

bp = Blueprint("dossier", __name__, url_prefix="/v/<village>")


def _share(value: Any) -> str:
    """A Fraction as a percentage with one decimal (rounded half up, exactly); — for none."""
    return "—" if value is None else percent(value.numerator, value.denominator)


def _printed(body: str) -> Any:
    # Names of villagers: kept out of shared caches and the browser's back-forward store.
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/m/<matter>/dossier")
@require("hall.view")
def matter(village: str, matter: str) -> Any:
    found = dossiers.dossier(store(), village, matter)
    url = external_url("public.matter_page", village=village, matter=matter)
    return _printed(render_template("dossier/matter.html", d=found, url=url, qr=qr_svg(url, title=True),
                                    share=_share, yuan=yuan, china=CHINA_TIME))


@bp.get("/s/<sitting>/sign-in")
@require("hall.view")
def sign_in(village: str, sitting: str) -> Any:
    sheet = dossiers.sign_in_sheet(store(), village, sitting)
    return _printed(render_template("dossier/sign_in.html", sheet=sheet, share=_share, china=CHINA_TIME))
