"""The live board over HTTP: joining by code, answering without JavaScript, the projected
screen, the control page, and text from participants shown escaped everywhere.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from facilitation.extensions import db
from facilitation.live import services
from facilitation.live.models import Activity, ActivityStatus, Board, Contribution, LiveParticipant

from ..conftest import text_of
from .conftest import add, answer_rows, client_id

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def join(client, board, pseudonym="Colibri", language="fr"):
    return client.post(f"/j/{board.join_code}", data={"pseudonym": pseudonym, "language": language})


def joined(app, board, pseudonym="Colibri"):
    phone = app.test_client()
    assert join(phone, board, pseudonym).status_code == 302
    return phone


def activity_form(**fields) -> dict:
    """The add-activity form as a browser sends it: every field, the selects' defaults."""
    form = {
        "kind": "poll",
        "prompt": "",
        "choices": "",
        "style": "faces",
        "max_words": "3",
        "dots": "3",
        "left": "",
        "right": "",
    }
    form.update(fields)
    return form


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- joining ----------------------------------------------------------------------------------


def test_the_join_page_asks_for_the_code_in_french(client):
    response = client.get("/j")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert 'name="code"' in html
    assert "Rejoindre une séance" in text_of(response)


def test_a_wrong_code_is_explained_and_what_was_typed_is_kept(client, board):
    wrong = "QQQQQQ" if board.join_code != "QQQQQQ" else "WWWWWW"
    response = client.post("/j", data={"code": wrong})
    assert response.status_code == 422
    assert "Aucune séance n’a ce code" in text_of(response)
    assert f'value="{wrong}"' in response.get_data(as_text=True)
    # a link with a wrong code lands on the same explanation
    response = client.get(f"/j/{wrong}", follow_redirects=True)
    assert "Aucune séance n’a ce code" in text_of(response)
    assert f'value="{wrong}"' in response.get_data(as_text=True)


def test_the_code_may_be_typed_in_lower_case_with_spaces(client, board):
    typed = board.join_code.lower()[:3] + " " + board.join_code.lower()[3:]
    response = client.post("/j", data={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{board.join_code}")


def test_joining_with_a_pseudonym_keeps_the_phone_in_the_session(client, world, board):
    add(world.mediator, board, open_it=True)
    page = client.get(f"/j/{board.join_code}")
    assert page.status_code == 200 and 'name="pseudonym"' in page.get_data(as_text=True)
    response = join(client, board, "Colibri")
    assert response.status_code == 302
    device = client.get_cookie("fac_device")
    assert device is not None and device.http_only and device.same_site == "Lax"
    assert client.get_cookie("lang").value == "fr"
    page = client.get(f"/j/{board.join_code}")
    assert "Vous êtes Colibri" in text_of(page)
    assert "Êtes-vous d&#39;accord ?" in page.get_data(as_text=True)  # the current activity
    assert join(client, board, "Colibri bleu").status_code == 302  # same phone, new name
    assert count(LiveParticipant) == 1
    assert db.session.scalar(sa.select(LiveParticipant.pseudonym)) == "Colibri bleu"


def test_joining_anonymously(client, board):
    assert join(client, board, "").status_code == 302
    assert db.session.scalar(sa.select(LiveParticipant.pseudonym)) is None
    assert "Vous êtes anonyme" in text_of(client.get(f"/j/{board.join_code}"))


def test_a_pseudonym_too_long_is_refused_and_kept_to_be_corrected(client, board):
    response = join(client, board, "Un pseudonyme vraiment beaucoup trop long!")
    assert response.status_code == 422
    assert "40 caractères au maximum." in text_of(response)
    assert 'value="Un pseudonyme vraiment beaucoup trop long!"' in response.get_data(as_text=True)
    assert count(LiveParticipant) == 0
    assert client.get_cookie("fac_device") is None


def test_the_language_chosen_on_joining_is_kept_and_arabic_reads_right_to_left(client, board):
    assert join(client, board, "Nour", "ar").status_code == 302
    assert client.get_cookie("lang").value == "ar"
    html = client.get(f"/j/{board.join_code}").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_a_phone_may_join_in_english(client, board):
    assert join(client, board, "Sam", "en").status_code == 302
    page = client.get(f"/j/{board.join_code}")
    assert '<html lang="en" dir="ltr">' in page.get_data(as_text=True)
    assert "You are Sam" in text_of(page)


def test_an_unknown_language_is_refused(client, board):
    assert join(client, board, "Sam", "klingon").status_code == 422
    assert count(LiveParticipant) == 0


def test_phone_pages_need_to_have_joined_first(client, world, board):
    poll = add(world.mediator, board, open_it=True)
    response = client.get(f"/j/{board.join_code}/activite")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{board.join_code}")
    response = client.post(
        f"/j/{board.join_code}/repondre",
        data={"activity_id": poll.id, "client_id": client_id(), "choice": "0"},
    )
    assert response.status_code == 302
    assert answer_rows(poll) == 0


# --- answering without JavaScript -------------------------------------------------------------


def test_an_answer_by_plain_form_is_received_and_not_counted_twice(app, world, board):
    poll = add(world.mediator, board, open_it=True)
    phone = joined(app, board)
    form = {"activity_id": str(poll.id), "client_id": client_id(), "choice": "2"}
    response = phone.post(f"/j/{board.join_code}/repondre", data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "✓ Reçu" in text_of(response)
    assert 'class="receipt receipt-ok"' in html
    again = phone.post(f"/j/{board.join_code}/repondre", data=form)
    assert again.status_code == 200 and "✓ Reçu" in text_of(again)
    assert answer_rows(poll) == 1
    assert services.results(poll) == {"total": 1, "counts": [0, 0, 1]}
    # the form is shown again with the answer ticked and a fresh submission id
    assert re.search(r'value="2" id="c2" checked', html)
    assert form["client_id"] not in html


def test_a_plain_form_answer_returns_the_fragment_to_htmx(app, world, board):
    poll = add(world.mediator, board, open_it=True)
    phone = joined(app, board)
    response = phone.post(
        f"/j/{board.join_code}/repondre",
        data={"activity_id": poll.id, "client_id": client_id(), "choice": "0"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="activity"') and "<html" not in html
    assert "✓ Reçu" in text_of(response)


def test_a_refused_plain_form_answer_says_why_in_french(app, world, board):
    poll = add(world.mediator, board)
    phone = joined(app, board)
    data = {"activity_id": poll.id, "client_id": client_id(), "choice": "0"}
    response = phone.post(f"/j/{board.join_code}/repondre", data=data)
    assert response.status_code == 422
    assert "Les réponses sont fermées pour cette activité." in text_of(response)
    assert "Reçu" not in text_of(response)
    poll.status = ActivityStatus.OPEN
    db.session.commit()
    response = phone.post(
        f"/j/{board.join_code}/repondre", data={**data, "choice": "9", "client_id": client_id()}
    )
    assert response.status_code == 422
    assert "Choisissez une des réponses." in text_of(response)
    response = phone.post(f"/j/{board.join_code}/repondre", data={**data, "activity_id": "plein"})
    assert response.status_code == 422
    assert answer_rows(poll) == 0


def test_every_kind_can_be_answered_by_plain_form(app, world, board):
    phone = joined(app, board, "Colibri")
    cases = [
        ("poll", {"choices": ["A", "B", "C"], "multiple": True}, {"choice": ["0", "2"]}, [0, 2]),
        ("quiz", {"choices": ["A", "B"], "correct": [1]}, {"choice": "1"}, [1]),
        ("scale", {}, {"value": "4"}, 4),
        ("wordcloud", {"max_words": 3}, {"word": ["Santé", "", "Droits"]}, ["Santé", "Droits"]),
        (
            "ranking",
            {"items": ["A", "B", "C"]},
            {"rank-0": "3", "rank-1": "1", "rank-2": "2"},
            [1, 2, 0],
        ),
        ("debate", {}, {"value": "2"}, {"first": 2, "final": 2}),
    ]
    me = None
    for kind, config, fields, expected in cases:
        activity = add(world.mediator, board, kind, f"Question {kind}", config, open_it=True)
        services.control(
            services.Actor(user=world.mediator), board, "goto", {"activity_id": activity.id}
        )
        response = phone.post(
            f"/j/{board.join_code}/repondre",
            data={"activity_id": activity.id, "client_id": client_id(), **fields},
        )
        assert response.status_code == 200, (kind, text_of(response))
        me = me or db.session.scalar(sa.select(LiveParticipant))
        assert services.my_answer(me, activity) == expected, kind


def test_a_ranking_with_two_items_at_the_same_place_is_refused(app, world, board):
    ranking = add(
        world.mediator, board, "ranking", "Priorités", {"items": ["A", "B", "C"]}, open_it=True
    )
    phone = joined(app, board)
    response = phone.post(
        f"/j/{board.join_code}/repondre",
        data={
            "activity_id": ranking.id,
            "client_id": client_id(),
            "rank-0": "1",
            "rank-1": "1",
            "rank-2": "3",
        },
    )
    assert response.status_code == 422
    assert answer_rows(ranking) == 0


def test_contributions_by_plain_form_are_stored_once(app, world, board):
    wall = add(world.mediator, board, "ideas", "Vos idées", {}, open_it=True)
    phone = joined(app, board)
    form = {"activity_id": wall.id, "client_id": client_id(), "text": "Un médecin le soir"}
    first = phone.post(f"/j/{board.join_code}/contribuer", data=form)
    again = phone.post(f"/j/{board.join_code}/contribuer", data=form)
    assert first.status_code == again.status_code == 200
    assert "✓ Reçu" in text_of(first)
    assert count(Contribution) == 1
    empty = phone.post(
        f"/j/{board.join_code}/contribuer", data={**form, "client_id": client_id(), "text": " "}
    )
    assert empty.status_code == 422
    assert count(Contribution) == 1


def test_phones_see_results_only_once_revealed(app, world, board):
    poll = add(world.mediator, board, config={"choices": ["Oui", "Non"]}, open_it=True)
    phone = joined(app, board)
    phone.post(
        f"/j/{board.join_code}/repondre",
        data={"activity_id": poll.id, "client_id": client_id(), "choice": "0"},
    )
    page = text_of(phone.get(f"/j/{board.join_code}/activite"))
    assert "Résultats" not in page and "1 personne a répondu" not in page
    services.control(services.Actor(user=world.mediator), board, "reveal")
    page = text_of(phone.get(f"/j/{board.join_code}/activite"))
    assert "Résultats" in page
    assert "100 %" in page


def test_leaving_forgets_the_phone(app, board):
    phone = joined(app, board)
    response = phone.post(f"/j/{board.join_code}/quitter")
    assert response.status_code == 302
    assert phone.get_cookie("fac_device") is None
    assert 'name="pseudonym"' in phone.get(f"/j/{board.join_code}").get_data(as_text=True)


def test_a_co_animator_drives_from_the_phone_by_plain_form(app, world, board):
    first = add(world.mediator, board)
    phone = joined(app, board, "Colibri")
    response = phone.post(f"/j/{board.join_code}/commande", data={"action": "open"})
    assert response.status_code == 422
    db.session.refresh(first)
    assert first.status is ActivityStatus.DRAFT
    colibri = db.session.scalar(sa.select(LiveParticipant))
    services.control(
        services.Actor(user=world.mediator), board, "handover", {"participant_id": colibri.id}
    )
    response = phone.post(f"/j/{board.join_code}/commande", data={"action": "open"})
    assert response.status_code == 200
    db.session.refresh(first)
    assert first.status is ActivityStatus.OPEN


# --- the projector ----------------------------------------------------------------------------


def test_the_screen_shows_the_code_and_a_qr_code_with_the_right_key_only(client, world, board):
    add(world.mediator, board, config={"choices": ["Oui", "Non"]}, open_it=True)
    response = client.get(f"/ecran/{board.join_code}/{board.screen_key}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert board.join_code in text_of(response)
    assert re.search(r'<div class="qr"><svg[^>]*>', html)
    assert f"/j/{board.join_code}" in text_of(response)
    assert "Nous regarderons les résultats ensemble." in text_of(response)
    assert client.get(f"/ecran/{board.join_code}/wrong-key").status_code == 404
    assert client.get(f"/ecran/{board.join_code}/{board.screen_key}x").status_code == 404
    assert client.get(f"/ecran/QQQQQQ/{board.screen_key}").status_code == 404
    content = client.get(f"/ecran/{board.join_code}/{board.screen_key}/contenu")
    assert content.status_code == 200 and "<html" not in content.get_data(as_text=True)
    assert client.get(f"/ecran/{board.join_code}/nope/contenu").status_code == 404


# --- the control page -------------------------------------------------------------------------


def test_the_control_page_creates_the_board_for_staff_of_the_space(client, auth, world):
    auth.login(world.mediator)
    response = client.get(f"/seances/{world.session.id}/tableau")
    assert response.status_code == 200
    board = db.session.scalar(sa.select(Board))
    assert board.session_id == world.session.id
    assert board.join_code in text_of(response)
    assert "Tableau en direct" in text_of(response)
    assert client.get(f"/seances/{world.session.id}/tableau").status_code == 200
    assert count(Board) == 1


def test_the_control_page_is_not_found_for_another_space(client, auth, world):
    auth.login(world.other_mediator)
    response = client.get(f"/seances/{world.session.id}/tableau")
    assert response.status_code == 404
    assert "Cette page n’existe pas" in text_of(response)
    assert count(Board) == 0


def test_the_control_page_needs_a_login(client, world):
    response = client.get(f"/seances/{world.session.id}/tableau")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert count(Board) == 0


def test_adding_an_activity(client, auth, world, board):
    auth.login(world.mediator)
    response = client.post(
        f"/tableaux/{board.id}/activites",
        data=activity_form(prompt="Avez-vous une mutuelle ?", choices="👍 Oui\r\nNon\r\n"),
    )
    assert response.status_code == 302
    activity = db.session.scalar(sa.select(Activity))
    assert activity.prompt == "Avez-vous une mutuelle ?"
    assert activity.config["choices"] == [
        {"label": "Oui", "icon": "👍"},
        {"label": "Non", "icon": ""},
    ]
    page = client.get(response.headers["Location"])
    assert "L’activité est ajoutée." in text_of(page)


def test_a_refused_activity_is_explained_in_french_and_the_input_kept(client, auth, world, board):
    auth.login(world.mediator)
    response = client.post(
        f"/tableaux/{board.id}/activites",
        data=activity_form(prompt="Une seule réponse possible ?", choices="Oui"),
    )
    assert response.status_code == 422
    assert "Donnez entre 2 et 12 choix." in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="Une seule réponse possible ?"' in html
    assert re.search(r"<textarea[^>]*>\s*Oui</textarea>", html)
    assert count(Activity) == 0


def test_settings_cannot_change_once_people_answered_but_the_wording_can(
    client, auth, world, board
):
    poll = add(world.mediator, board, config={"choices": ["Oui", "Non"]}, open_it=True)
    services.submit_answer(
        services.join(board, "phone-key-0123456789", pseudonym=None, language="fr"),
        poll.id,
        client_id(),
        [0],
    )
    auth.login(world.mediator)
    page = client.get(f"/activites/{poll.id}/modifier")
    assert page.status_code == 200
    assert re.search(r"<textarea[^>]*>\s*Oui\r?\nNon</textarea>", page.get_data(as_text=True))
    response = client.post(
        f"/activites/{poll.id}/modifier",
        data=activity_form(prompt="Nouvelle formulation", choices="Oui\r\nNon\r\nPeut-être"),
    )
    assert response.status_code == 422
    assert "Des personnes ont déjà répondu : seule la formulation peut encore changer." in (
        text_of(response)
    )
    assert 'value="Nouvelle formulation"' in response.get_data(as_text=True)
    response = client.post(
        f"/activites/{poll.id}/modifier",
        data=activity_form(prompt="Nouvelle formulation", choices="Oui\r\nNon"),
    )
    assert response.status_code == 302
    db.session.refresh(poll)
    assert poll.prompt == "Nouvelle formulation"
    assert [c["label"] for c in poll.config["choices"]] == ["Oui", "Non"]


def test_staff_drive_the_board_by_plain_form(client, auth, world, board):
    poll = add(world.mediator, board)
    auth.login(world.mediator)
    response = client.post(f"/tableaux/{board.id}/commande", data={"action": "open"})
    assert response.status_code == 302
    db.session.refresh(poll)
    assert poll.status is ActivityStatus.OPEN
    refused = client.post(
        f"/tableaux/{board.id}/commande",
        data={"action": "phase", "phase": "vote"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422
    assert 'role="alert"' in refused.get_data(as_text=True)


# --- text from participants is escaped wherever it is shown -----------------------------------


def test_contributions_are_escaped_on_the_screen_the_control_page_and_phones(
    app, client, auth, world, board
):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    wall = add(world.mediator, board, "ideas", "Vos idées", {}, open_it=True)
    phone = joined(app, board, SCRIPT)
    for activity in (questions, wall):
        services.control(
            services.Actor(user=world.mediator), board, "goto", {"activity_id": activity.id}
        )
        response = phone.post(
            f"/j/{board.join_code}/contribuer",
            data={"activity_id": activity.id, "client_id": client_id(), "text": SCRIPT},
        )
        assert response.status_code == 200
        services.control(services.Actor(user=world.mediator), board, "reveal")

        auth.login(world.mediator)
        pages = {
            "screen": client.get(f"/ecran/{board.join_code}/{board.screen_key}"),
            "control": client.get(f"/seances/{world.session.id}/tableau"),
            "panel": client.get(f"/tableaux/{board.id}/panneau"),
            "phone": phone.get(f"/j/{board.join_code}"),
        }
        for name, page in pages.items():
            html = page.get_data(as_text=True)
            assert page.status_code == 200, name
            assert ESCAPED in html, (activity.kind, name)
            assert SCRIPT not in html, (activity.kind, name)
