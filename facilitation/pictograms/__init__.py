"""Pictograms that render on every phone: vendored OpenMoji SVGs, a Jinja helper, a picker.

- ``pictogram(emoji, alt=…)`` in templates: an ``<img>`` of the SVG (so the phone's emoji
  font does not matter), ``alt=""`` when a word says the same next to it; an emoji the
  catalogue lacks is shown as text, hidden from screen readers when decorative.
- ``/pictogrammes?q=…`` (staff): the picker, searched by French name; its fragment
  (``pictograms/_picker.html``) is a radio group named ``icon`` any form can include.
- ``/credits``: the licence notices (OpenMoji CC BY-SA 4.0, htmx, Socket.IO).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("pictograms", __name__)


def init_app(app: Flask) -> None:
    from . import helpers, routes  # noqa: F401  (routes on the blueprint)

    app.register_blueprint(bp)
    app.add_template_global(helpers.pictogram, "pictogram")
