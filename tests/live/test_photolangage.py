"""Photolangage: photos of the library shown on phones; each person picks one or two,
optionally with a word; the screen shows the photos chosen and their counts, one large."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from facilitation.core.exceptions import ValidationError
from facilitation.images import services as images
from facilitation.live import kinds, services
from facilitation.live.kinds import Refused
from facilitation.live.services import Actor

from .conftest import NS, add, client_id, phone

PHOTOLANGAGE = kinds.get("photolangage")


def library(actor, n=3):
    out = []
    for i in range(n):
        data = io.BytesIO()
        Image.new("RGB", (40, 30), (40 * i, 100, 200)).save(data, "PNG")
        data.seek(0)
        out.append(images.add_image(actor, FileStorage(data, f"p{i}.png"), f"Photo {i + 1}"))
    return out


def test_the_tally_counts_each_chosen_photo_with_its_words():
    config = PHOTOLANGAGE.clean_config({"photos": [5, 6, 7], "picks": 2, "word": True})
    answers = [
        PHOTOLANGAGE.clean_answer(config, {}, {"photos": [6], "word": "Attente"}, None),
        PHOTOLANGAGE.clean_answer(config, {}, {"photos": [6, 5]}, None),
        PHOTOLANGAGE.clean_answer(config, {}, {"photos": [6], "word": "attente"}, None),
    ]
    result = PHOTOLANGAGE.tally(config, {"spotlight": 6}, answers)
    assert result["total"] == 3 and result["spotlight"] == 6
    assert result["photos"] == [
        {"id": 6, "count": 3, "words": ["Attente"]},
        {"id": 5, "count": 1, "words": []},
    ]


@pytest.mark.parametrize(
    "value", [{"photos": [9]}, {"photos": []}, {"photos": [5, 6, 7]}, [5], {"photos": ["x"]}]
)
def test_an_answer_outside_the_photos_or_beyond_the_picks_is_refused(value):
    config = PHOTOLANGAGE.clean_config({"photos": [5, 6, 7], "picks": 2})
    with pytest.raises(Refused):
        PHOTOLANGAGE.clean_answer(config, {}, value, None)


def test_photos_must_come_from_the_structures_library(world, board):
    mine = library(world.mediator, 2)
    theirs = library(world.other_mediator, 1)  # same structure in the world: allowed
    with pytest.raises(ValidationError):
        services.add_activity(
            world.mediator,
            board,
            kind="photolangage",
            prompt="Quelle photo ?",
            config={"photos": [mine[0].id, 999]},
        )
    activity = services.add_activity(
        world.mediator,
        board,
        kind="photolangage",
        prompt="Quelle photo ?",
        config={"photos": [p.id for p in mine + theirs]},
    )
    assert activity.config["photos"] == [p.id for p in mine + theirs]


def test_three_phones_pick_and_the_screen_shows_the_counts_and_one_large(sockets, world, board):
    photos = library(world.mediator, 3)
    activity = add(
        world.mediator,
        board,
        "photolangage",
        "Quelle photo vous parle de l'accès aux soins ?",
        {"photos": [p.id for p in photos], "picks": 1, "word": True},
        open_it=True,
    )
    picks = [photos[1].id, photos[1].id, photos[2].id]
    for name, pick in zip(("Colibri", "Mésange", "Pinson"), picks, strict=True):
        sio = sockets.phone(board, name)
        page = sio.http.get(f"/j/{board.join_code}/activite").get_data(as_text=True)
        assert f"/j/{board.join_code}/images/{photos[0].id}" in page and 'alt="Photo 1"' in page
        served = sio.http.get(f"/j/{board.join_code}/images/{photos[0].id}")
        assert served.status_code == 200 and served.mimetype == "image/png"
        ack = sio.emit(
            "answer",
            {
                "activity_id": activity.id,
                "client_id": client_id(),
                "fields": {"photo": [str(pick)], "word": ["loin"]},
            },
            namespace=NS,
            callback=True,
        )
        assert ack["ok"] is True, ack
    result = services.results(activity)
    assert [(p["id"], p["count"]) for p in result["photos"]] == [
        (photos[1].id, 2),
        (photos[2].id, 1),
    ]
    staff = Actor(user=world.mediator)
    services.control(staff, board, "reveal")
    services.control(staff, board, "spotlight", {"image_id": photos[1].id})
    screen = sockets.app.test_client().get(f"/ecran/{board.join_code}/{board.screen_key}")
    html = screen.get_data(as_text=True)
    assert "photo-spotlight" in html and "choisie par 2 personnes" in html
    assert f"/ecran/{board.join_code}/{board.screen_key}/images/{photos[1].id}" in html
    with pytest.raises(Refused):
        services.control(staff, board, "spotlight", {"image_id": 12345})


def test_a_phone_sees_only_the_photos_of_its_board(world, board, client):
    shown, other = library(world.mediator, 2), library(world.mediator, 1)
    add(world.mediator, board, "photolangage", "Photo ?", {"photos": [p.id for p in shown]})
    client.post(f"/j/{board.join_code}", data={"pseudonym": "", "language": "fr"})
    assert client.get(f"/j/{board.join_code}/images/{shown[0].id}").status_code == 200
    assert client.get(f"/j/{board.join_code}/images/{other[0].id}").status_code == 404
    assert phone(board) is not None


def test_a_prompt_and_a_choice_carry_a_photo_with_its_alt_text(world, board, client):
    photo = library(world.mediator, 1)[0]
    config = {
        "choices": [{"label": "Oui", "image_id": photo.id}, {"label": "Non"}],
        "image_id": photo.id,
    }
    poll = add(world.mediator, board, "poll", "Vous reconnaissez ce lieu ?", config, open_it=True)
    assert poll.config["image_id"] == photo.id and poll.config["choices"][0]["image_id"] == photo.id
    client.post(f"/j/{board.join_code}", data={"pseudonym": "", "language": "fr"})
    page = client.get(f"/j/{board.join_code}").get_data(as_text=True)
    assert 'class="prompt-image"' in page and 'alt="Photo 1"' in page
    assert 'class="choice-image"' in page


def test_the_compte_rendu_table_lists_the_chosen_photos():
    from facilitation.reports import tables

    config = PHOTOLANGAGE.clean_config({"photos": [5, 6], "picks": 1, "word": True})
    answers = [PHOTOLANGAGE.clean_answer(config, {}, {"photos": [6], "word": "Loin"}, None)]
    table = tables.table("photolangage", config, {}, PHOTOLANGAGE.tally(config, {}, answers))
    [row] = table.rows
    assert [cell.value for cell in row] == ["Photo 6", 1, "Loin"]
