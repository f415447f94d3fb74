"""A screen opened on the laptop itself (127.0.0.1) while the server listens on the room's
network shows the laptop's network address in its QR code and short URL."""

from __future__ import annotations

from facilitation.core import network


def test_the_screen_shows_the_network_address_when_listening_on_it(app, board, monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setattr(network, "network_address", lambda: "192.168.1.20")
    page = app.test_client().get(
        f"/ecran/{board.join_code}/{board.screen_key}", base_url="http://127.0.0.1:5000"
    )
    html = page.get_data(as_text=True)
    assert "192.168.1.20:5000/j/<wbr>" in html and "127.0.0.1:5000/j/" not in html


def test_the_screen_keeps_its_host_when_listening_on_the_loopback_only(app, board, monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setattr(network, "network_address", lambda: "192.168.1.20")
    page = app.test_client().get(
        f"/ecran/{board.join_code}/{board.screen_key}", base_url="http://127.0.0.1:5000"
    )
    assert "127.0.0.1:5000/j/<wbr>" in page.get_data(as_text=True)
