"""QR codes, as inline SVG: one way for every page that prints one (voters' cards, notices)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_svg"]


def qr_svg(url: str, *, title: bool = False) -> str:
    """``url`` as an SVG QR code to inline in a page: error correction M (a card may be creased
    or dirty), three pixels a module (readable from a phone at arm's length on A4). ``title``:
    carry the URL as the image's title, for screen readers and for copying."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=3, xmldecl=False, svgns=False,
                                    **({"title": url} if title else {}))
    return out.getvalue().decode()
