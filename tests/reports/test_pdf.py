"""The report layer: real PDFs from the app's templates, and nothing loaded from outside."""

from __future__ import annotations

import base64
import http.server
import io
import threading
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader

from facilitation.reports import fetcher, pdf

# A 1×1 red PNG.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a3ff6b7e0000000049454e44ae426082"
    )
).decode()


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/landed")
            self.end_headers()
            return
        body = b"p { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A web server on 127.0.0.1 that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _pdf(html: str) -> PdfReader:
    with current_app.test_request_context():
        return PdfReader(io.BytesIO(pdf.render_html(html)))


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for key in fonts:
            names.add(str(fonts[key].get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


# --- the URL fetcher ----------------------------------------------------------------------


def test_fetcher_answers_data_uris_and_static_files_only(app, tmp_path):
    root = Path(app.static_folder)
    css = fetcher.resolve(fetcher.static_url(root, "css/report.css"), root)
    assert css.mimetype == "text/css" and b"@page" in css.body
    image = fetcher.resolve(f"data:image/png;base64,{PIXEL}", root)
    assert image.mimetype == "image/png" and image.body.startswith(b"\x89PNG")
    plain = fetcher.resolve("data:,Bonjour%20%C3%A0%20tous", root)
    assert plain.body.decode() == "Bonjour à tous"

    secret = tmp_path / "secret.txt"
    secret.write_text("not for a PDF")
    refused = [
        "http://127.0.0.1/x",
        "https://example.org/logo.png",
        "ftp://example.org/x",
        secret.as_uri(),
        "file:///etc/passwd",
        root.as_uri() + "/../config.py",  # leaves the static folder
        root.as_uri() + "/css",  # a folder, not a file
        "file://evil.example/share/x.css",
        "javascript:alert(1)",
        "//example.org/x",
    ]
    for url in refused:
        with pytest.raises(fetcher.Refused):
            fetcher.resolve(url, root)


def test_fetcher_refuses_a_symbolic_link_out_of_the_static_folder(app, tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "outside.css").write_text("p { color: red }")
    (root / "link.css").symlink_to(tmp_path / "outside.css")
    with pytest.raises(fetcher.Refused):
        fetcher.resolve((root / "link.css").as_uri(), root)


def test_a_pdf_never_requests_anything_from_the_network(local_server):
    base = f"http://127.0.0.1:{local_server.server_port}"
    html = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>
    <link rel="stylesheet" href="{base}/style.css">
    <link rel="stylesheet" href="https://127.0.0.1:{local_server.server_port}/secure.css">
    <link rel="stylesheet" href="{base}/redirect/style.css">
    <style>
      @import url("{base}/import.css");
      @font-face {{ font-family: Distante; src: url("{base}/font.woff2"); }}
      body {{ background: url("{base}/background.png"); }}
      p {{ font-family: Distante, sans-serif; }}
    </style></head>
    <body>
      <p>Bonjour</p>
      <img src="{base}/image.png" alt="">
      <img src="{base}/redirect/image.png" alt="">
      <img src="file:///etc/passwd" alt="">
      <object data="{base}/object.svg"></object>
      <a rel="attachment" href="{base}/attachment.txt">pièce jointe</a>
      <img src="data:image/png;base64,{PIXEL}" alt="pixel">
    </body></html>"""
    reader = _pdf(html)
    assert local_server.requests == []  # not one request, so no redirect followed either
    assert "Bonjour" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1  # the data: image only
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


# --- rendering ----------------------------------------------------------------------------


def test_a_pdf_renders_french_arabic_and_pictograms_with_the_system_fonts():
    html = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head>
    <body><p>Éléonore à l'hôpital « ça va »</p><p dir="rtl" lang="ar">مرحبا بكم في الورشة</p>
    <p>☀️ 🩺 💊</p></body></html>"""
    reader = _pdf(html)
    text = reader.pages[0].extract_text()
    assert "Éléonore à l'hôpital « ça va »" in text
    assert "مرحبا بكم في الورشة" in text
    assert "🩺" in text
    fonts = _fonts(reader)
    assert any("DejaVu" in f for f in fonts), fonts
    assert any("Emoji" in f for f in fonts), fonts  # pictograms from a colour emoji font


def test_render_uses_the_app_template_with_its_print_stylesheet_and_page_numbers():
    many = [(f"Ligne {n}", n) for n in range(120)]  # long enough for several pages
    with current_app.test_request_context():
        data = pdf.render(
            "reports/pdf_base.html",
            doc_title="Compte rendu de séance",
            doc_subtitle="Mes droits <script>alert(1)</script>",
            organisation="Case de Santé",
            doc_facts=many,
            doc_made="Fait le 5 mars 2026",
        )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    first, second = (p.extract_text() for p in reader.pages[:2])
    assert "Mes droits <script>alert(1)</script>" in first  # escaped, printed as text
    assert f"Page 1 sur {len(reader.pages)}" in first
    assert "Page 2 sur" in second
    assert "Case de Santé" in second  # the running header (report.css) on later pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert reader.metadata.title.startswith("Compte rendu de séance")
    assert reader.metadata.author == "Case de Santé"


# --- without Pango --------------------------------------------------------------------------


def _without_pango():
    raise OSError(
        "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object "
        "file: No such file or directory"
    )


def test_without_pango_pdf_is_unavailable_with_a_clear_french_reason(monkeypatch):
    monkeypatch.setattr(pdf, "_import_weasyprint", _without_pango)  # the module boundary
    with current_app.test_request_context():
        reason = pdf.unavailable_reason()
        with pytest.raises(pdf.PdfUnavailable):
            pdf.render_html("<p>x</p>")
    assert reason.startswith("L'export PDF n'est pas disponible sur ce serveur")
    assert "la bibliothèque Pango manque" in reason
    assert pdf.PANGO_PACKAGES in reason


def test_without_weasyprint_installed_the_reason_says_so(monkeypatch):
    def missing():
        raise ModuleNotFoundError("No module named 'weasyprint'", name="weasyprint")

    monkeypatch.setattr(pdf, "_import_weasyprint", missing)
    with current_app.test_request_context():
        assert "WeasyPrint" in pdf.unavailable_reason()


def test_with_pango_pdf_is_available():
    with current_app.test_request_context():
        assert pdf.unavailable_reason() is None
