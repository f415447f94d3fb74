"""The activity form shows only the chosen type's settings, with and without JavaScript."""

from __future__ import annotations

from html.parser import HTMLParser

from facilitation.extensions import db

from .test_routes import activity_form


class _Settings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open div: inside a hidden settings group
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            hidden = "data-kinds" in attrs and "hidden" in attrs
            group = "data-kinds" in attrs
            inside = self.stack[-1] if self.stack else None
            self.stack.append(hidden if group else inside)
        elif tag in ("input", "select", "textarea") and self.stack and self.stack[-1] is False:
            self.names.add(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            self.stack.pop()


def visible_settings(html: str) -> set[str]:
    """The names of the settings fields in groups that are not hidden."""
    parser = _Settings()
    parser.feed(html)
    return parser.names


def test_a_new_activity_shows_the_poll_settings_only(client, auth, world, board):
    auth.login(world.mediator)
    page = client.get(f"/seances/{world.session.id}/tableau").get_data(as_text=True)
    assert visible_settings(page) == {"choices", "multiple"}


def test_without_javascript_choosing_a_type_shows_its_settings_and_saves_nothing(
    client, auth, world, board
):
    auth.login(world.mediator)
    response = client.post(
        f"/tableaux/{board.id}/activites",
        data=activity_form(kind="scale", prompt="Votre météo du jour ?", choose_kind="1"),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert visible_settings(page) == {"style"}
    assert "Votre météo du jour ?" in page  # what was typed is kept
    db.session.expire_all()
    assert board.activities == []


def test_each_type_shows_its_own_settings(client, auth, world, board):
    auth.login(world.mediator)
    expected = {
        "debate": {"left", "right"},
        "wordcloud": {"max_words"},
        "ideas": {"dots"},
        "questions": {"premoderation"},
        "senscheck": set(),
        "self_assessment": {"choices", "moment"},
    }
    for kind, names in expected.items():
        response = client.post(
            f"/tableaux/{board.id}/activites", data=activity_form(kind=kind, choose_kind="1")
        )
        assert visible_settings(response.get_data(as_text=True)) == names, kind


def test_editing_shows_only_the_activitys_own_settings(client, auth, world, board):
    auth.login(world.mediator)
    client.post(
        f"/tableaux/{board.id}/activites",
        data=activity_form(
            kind="debate", prompt="Se soigner coûte cher ?", left="Non", right="Oui"
        ),
    )
    db.session.expire_all()
    [activity] = board.activities
    page = client.get(f"/activites/{activity.id}/modifier").get_data(as_text=True)
    assert visible_settings(page) == {"left", "right"}
