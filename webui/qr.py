"""QR codes, as inline SVG: one way for every page that prints one (voters' cards, notices)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg"]


def qr_svg(url: str, *, title: bool = False, scale: int = 3) -> str:
    """``url`` as an SVG QR code to inline in a page: error correction M (a card may be creased
    or dirty), ``scale`` pixels a module (three: readable from a phone at arm's length on A4).
    ``title``: carry the URL as the image's title, for screen readers and for copying. Always a
    full QR code, never a Micro QR (which segno.make picks for very short text and which phones'
    scanners, WeChat's among them, do not read)."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=False,
                                       **({"title": url} if title else {}))
    return out.getvalue().decode()
