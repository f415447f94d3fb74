"""HTTP side of the live board: control page (staff), screen (projector), phone pages.

- :mod:`.staff`   the control page, activities, commands, reopening a board to new phones
- :mod:`.screen`  the projector
- :mod:`.phones`  joining by code and the phone pages (they work without JavaScript)
- :mod:`.reuse`   duplicating, copying to another session, clearing the answers
"""

from . import phones, reuse, screen, staff  # noqa: F401  (register the routes on the blueprint)
from .common import join_url, qr_svg, screen_url

__all__ = ["join_url", "qr_svg", "screen_url"]
