"""The picker (staff) and the credits page (everyone) — thin."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from ..core.text import normalise
from ..core.web import is_htmx
from . import bp
from .helpers import OPENMOJI_VERSION, catalogue, lookup, search


@bp.get("/pictogrammes")
@login_required
def picker():
    """Pictograms matching ``q`` (French words); the fragment for htmx, else a page."""
    query = normalise(request.args.get("q", ""))[:60]  # a search: never refused
    chosen = lookup(request.args.get("icon", ""))
    context = {
        "query": query,
        "results": search(query),
        "chosen": chosen.emoji if chosen else "",
        "total": len(catalogue()),
    }
    if is_htmx():
        # The picker page's own search shows the emoji to copy; a form's picker does not.
        context["copyable"] = request.args.get("copy") == "1"
        return render_template("pictograms/_results.html", **context)
    return render_template("pictograms/picker.html", **context)


@bp.get("/credits")
def credits():
    return render_template(
        "pictograms/credits.html", openmoji_version=OPENMOJI_VERSION, count=len(catalogue())
    )
