"""Two real server processes share a project through Redis and PostgreSQL.

A member's phone on process A moves a step; the mediator's page connected to process B
hears of it. The mediator moves a step from B; the phone connected to A hears of it.
(The same two-server set-up as the live board's test: tests/live/test_multiprocess.py.)
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from ..live.test_multiprocess import database, two_servers  # noqa: F401  (fixtures)
from ..processes import cookie_header as _cookie_header
from ..processes import csrf as _csrf
from ..processes import run_in_own_loop as _run_in_own_loop

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")

STEP_FORM = re.compile(
    r'action="(/(?:moi/)?projets/(?:\d+/)?(?:\d+/)?etapes/(\d+)/etat)"[^>]*>\s*'
    r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
    r'<input type="hidden" name="state" value="(\w+)">\s*'
    r'<input type="hidden" name="version" value="(\d+)">'
)


async def _open_journey(http, url: str) -> None:
    """The one-time link: a GET, or a page whose button opens the journey (POST)."""
    response = await http.get(url)
    html = await response.text()
    if "/moi/lien/" in str(response.url) and 'method="post"' in html:
        response = await http.post(str(response.url), data={"csrf_token": _csrf(html)})
    assert response.status == 200, html[:300]


async def _changed(queue: asyncio.Queue, project_id: int) -> dict:
    deadline = time.monotonic() + 10
    while True:
        change = await asyncio.wait_for(queue.get(), max(0.1, deadline - time.monotonic()))
        if change.get("project") == project_id:
            return change


async def _scenario(demo: dict, server_a: str, server_b: str) -> None:
    project = demo["project"]
    project_id = project["id"]
    jar = aiohttp.CookieJar(unsafe=True)
    phone_http = aiohttp.ClientSession(cookie_jar=jar)
    staff_http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    phone = socketio_client.AsyncClient(reconnection=False)
    staff = socketio_client.AsyncClient(reconnection=False)
    try:
        await _open_journey(phone_http, project["member_journey_url"].replace(server_a, server_a))
        phone_cookie = _cookie_header(phone_http, server_a)
        page = await (await staff_http.get(f"{server_b}/connexion")).text()
        mediator = demo["mediators"][1]  # Julien, Les Izards
        logged = await staff_http.post(
            f"{server_b}/connexion",
            data={
                "csrf_token": _csrf(page),
                "email": mediator["email"],
                "password": mediator["password"],
            },
        )
        assert "/tableau-de-bord" in str(logged.url)
        staff_cookie = _cookie_header(staff_http, server_b)

        to_staff, to_phone = asyncio.Queue(), asyncio.Queue()
        staff.on("changed", to_staff.put, namespace="/projects")
        phone.on("changed", to_phone.put, namespace="/projects")
        await staff.connect(
            server_b,
            namespaces=["/projects"],
            transports=["websocket"],
            headers={"Cookie": staff_cookie},
            auth={"project": project_id},
        )
        await phone.connect(
            server_a,
            namespaces=["/projects"],
            transports=["websocket"],
            headers={"Cookie": phone_cookie},
            auth={"project": project_id},
        )

        # The phone on A moves a step to "fait": the mediator on B hears it.
        html = await (await phone_http.get(f"{server_a}/moi/projets/{project_id}")).text()
        action, step_id, csrf, _state, version = next(
            m.groups() for m in STEP_FORM.finditer(html) if m.group(4) == "done"
        )
        moved = await phone_http.post(
            server_a + action, data={"csrf_token": csrf, "state": "done", "version": version}
        )
        assert moved.status == 200, await moved.text()
        change = await _changed(to_staff, project_id)
        assert "steps" in change["what"]

        # The mediator on B moves another step: the phone on A hears it.
        html = await (await staff_http.get(f"{server_b}/projets/{project_id}")).text()
        action, _other, csrf, _state, version = next(
            m.groups()
            for m in STEP_FORM.finditer(html)
            if m.group(4) == "doing" and m.group(2) != step_id
        )
        moved = await staff_http.post(
            server_b + action, data={"csrf_token": csrf, "state": "doing", "version": version}
        )
        assert moved.status == 200
        change = await _changed(to_phone, project_id)
        assert change["version"] > 0 and "steps" in change["what"]
    finally:
        for client in (phone, staff):
            if client.connected:
                await client.disconnect()
        await phone_http.close()
        await staff_http.close()


def test_two_processes_share_a_project_through_redis(two_servers):  # noqa: F811
    demo, (server_a, server_b), _ports = two_servers
    _run_in_own_loop(_scenario(demo, server_a, server_b))
