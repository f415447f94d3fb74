"""QR codes as inline SVG: no image request, no third party (the join link, a sign-in link,
a 2FA enrolment, a project vote)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, *, title: str, scale: int = 8) -> Markup:
    """``data`` as an SVG QR code titled ``title`` (read by screen readers)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=scale, border=2, dark="#000", light="#fff", omitsize=True, title=title
    )
    # segno writes the SVG itself and escapes the title: no outside markup gets in.
    return Markup(svg)  # noqa: S704  # nosec B704
