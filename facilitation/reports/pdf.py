"""The report layer: the app's own Jinja templates rendered to PDF by WeasyPrint.

``render("reports/session_pdf.html", title=..., **context)`` renders a template that
extends ``reports/pdf_base.html`` (cover heading, running header and footer, page
numbers, A4, the print stylesheet ``static/css/report.css``) and returns the PDF.

- Nothing is loaded from outside: WeasyPrint's URL fetcher is replaced by one that
  answers only ``data:`` URIs and the app's static files, read from the package folder
  (:mod:`.fetcher`); no network, so no redirect to follow either.
- Fonts are the system's, through fontconfig (Debian: DejaVu for Latin and Arabic,
  Noto Color Emoji for pictograms); no web font is downloaded.
- WeasyPrint needs Pango (a C library from the system). Without it, importing WeasyPrint
  fails; :func:`unavailable_reason` then says so in plain French, and the pages show it
  on the PDF button instead of a link — never a stack trace.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

from flask import current_app, render_template
from flask_babel import gettext as _

from . import fetcher

log = logging.getLogger(__name__)

MIMETYPE = "application/pdf"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
_warned = False


class PdfUnavailable(Exception):
    """PDF cannot be made on this server; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _import_weasyprint() -> ModuleType:
    """The module boundary: WeasyPrint loads Pango (through cffi) when it is imported."""
    import weasyprint

    return weasyprint


def _weasyprint() -> ModuleType:
    global _warned
    try:
        return _import_weasyprint()
    except (OSError, ImportError) as error:
        if not _warned:
            log.warning("PDF export unavailable: %s", error)
            _warned = True
        if isinstance(error, ImportError) and getattr(error, "name", "") == "weasyprint":
            raise PdfUnavailable(
                _(
                    "PDF export is not available on this server: the WeasyPrint library "
                    "is not installed."
                )
            ) from None
        raise PdfUnavailable(
            _(
                "PDF export is not available on this server: the Pango library is missing "
                "(install the Debian packages %(packages)s).",
                packages=PANGO_PACKAGES,
            )
        ) from None


def unavailable_reason() -> str | None:
    """Why PDF cannot be made here (shown on the export button), or None when it can."""
    try:
        _weasyprint()
    except PdfUnavailable as unavailable:
        return unavailable.message
    return None


def static_root() -> Path:
    return Path(current_app.static_folder)


def _css_string(value: str) -> str:
    """A CSS string literal for a label of ours (translated text, never user input)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _page_numbers_css() -> str:
    # "Page 2 sur 5", translated: CSS content cannot be translated in the stylesheet.
    before, _sep, after = _("Page %(page)s of %(pages)s", page="\0", pages="\1").partition("\0")
    middle, _sep, end = after.partition("\1")
    return (
        "@page { @bottom-right { content: "
        f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) "
        f"{_css_string(end)}; }} }}"
    )


def _fetcher(weasyprint: ModuleType, root: Path):
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Answers ``data:`` URIs and the app's static files; refuses everything else."""

        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            resource = fetcher.resolve(url, root)
            content_type = resource.mimetype
            if resource.charset:
                content_type += f"; charset={resource.charset}"
            return URLFetcherResponse(url, resource.body, {"Content-Type": content_type})

    return StaticOnlyFetcher()


def _off_the_event_loop(func, *args):
    """Run ``func`` in a worker thread when serving with gevent (``flask serve``).

    Laying out a PDF takes about a second of CPU; in the one gevent worker that also
    carries the live board's sockets, doing it on the event loop would freeze every
    phone and screen meanwhile. In a thread, the loop keeps serving them.
    """
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover (gevent is a dependency)
        return func(*args)
    if not monkey.is_module_patched("threading"):
        return func(*args)  # tests, flask run, the CLI: no event loop to protect
    return get_hub().threadpool.apply(func, args)


def _write_pdf(weasyprint: ModuleType, html: str, page_css: str, root: Path) -> bytes:
    """Lay out and write the PDF. Runs outside the request: no Flask context here."""
    url_fetcher = _fetcher(weasyprint, root)
    document = weasyprint.HTML(
        string=html, base_url=root.resolve().as_uri() + "/", url_fetcher=url_fetcher
    )
    extra = weasyprint.CSS(string=page_css, url_fetcher=url_fetcher)
    return document.write_pdf(stylesheets=[extra], pdf_tags=True)


def render_html(html: str) -> bytes:
    """A PDF from HTML made by the app (its static files only, no network)."""
    weasyprint = _weasyprint()
    return _off_the_event_loop(_write_pdf, weasyprint, html, _page_numbers_css(), static_root())


def render(template: str, **context) -> bytes:
    """Render one of the app's Jinja templates (extending ``reports/pdf_base.html``) to PDF."""
    root = static_root()
    html = render_template(
        template, report_static=lambda filename: fetcher.static_url(root, filename), **context
    )
    return render_html(html)
