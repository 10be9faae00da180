"""QR codes: one way for everything that shows one — inline SVG for pages (voters' cards, notices,
the projector) and text for the console. Always a full QR code with error correction M, never a
Micro QR (which segno.make picks for very short text and which phones' scanners, WeChat's among
them, do not read). No Flask: the console uses it before the app exists."""

from __future__ import annotations

import io

import segno

__all__ = ["console_qr", "print_qr", "qr_svg"]


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


_LIGHT_BG, _DARK_BG, _LIGHT_FG, _DARK_FG, _RESET = "\033[107m", "\033[40m", "\033[97m", "\033[30m", "\033[0m"


def console_qr(url: str, style: str = "plain", border: int = 2) -> str:
    """``url`` as a QR code in text, one line per row of characters.

    ``plain``: light modules as ``██``, dark ones as two spaces — no escape codes, for a log or a
    pipe (it reads right on a dark background). ``ansi``: two spaces a module on black and white
    backgrounds. ``ansi_compact``: half as tall, ``▀`` in the upper module's colour on the lower
    one's — each character the same, so a terminal that draws it double width only stretches
    the code, which scanners accept."""
    qr = segno.make_qr(url, error="m")  # never a Micro QR, which phones do not read
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=border)]  # 1 dark, 0 light
    if style == "plain":
        return "\n".join("".join("  " if dark else "██" for dark in row) for row in rows) + "\n"
    if style == "ansi":
        return "\n".join("".join((_DARK_BG if dark else _LIGHT_BG) + "  " for dark in row) + _RESET
                         for row in rows) + "\n"
    if style == "ansi_compact":
        if len(rows) % 2:
            rows.append([0] * len(rows[0]))  # light, like the quiet zone
        lines = []
        for top, bottom in zip(rows[::2], rows[1::2], strict=True):
            lines.append("".join((_DARK_FG if t else _LIGHT_FG) + (_DARK_BG if b else _LIGHT_BG) + "▀"
                                 for t, b in zip(top, bottom, strict=True)) + _RESET)
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown console QR style {style!r}")


def print_qr(url: str, border: int = 2) -> None:
    """``url`` drawn through the console's own API (an old Windows console without ANSI colours)."""
    segno.make_qr(url, error="m").terminal(border=border)
