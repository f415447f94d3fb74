"""A logout on one server process closes the control socket held by another (Redis).

Two real servers share PostgreSQL and the Socket.IO message queue: the mediator's control
socket is connected to process A, the logout is sent to process B. The socket must be
closed all the same, and the cookie must not open a new one.
"""

from __future__ import annotations

import asyncio

import pytest

from tests import processes

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")


@pytest.fixture(scope="module")
def two_servers(request, tmp_path_factory):
    if not processes.redis_reachable():
        processes.unavailable("Redis is not reachable at 127.0.0.1:6379")
    with processes.postgresql_database(request, "accounts_mp") as database:
        env = processes.server_environment(database)
        ports = [processes.free_port(), processes.free_port()]
        demo = processes.prepare(env, f"http://127.0.0.1:{ports[0]}")
        with processes.app_servers(env, ports, tmp_path_factory.mktemp("servers")):
            yield demo, [f"http://127.0.0.1:{port}" for port in ports]


_csrf = processes.csrf
_cookie_header = processes.cookie_header


async def _scenario(demo: dict, server_a: str, server_b: str) -> None:
    code = demo["live"]["join_code"]
    mediator = demo["mediators"][0]
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as staff_http:
        page = await (await staff_http.get(f"{server_b}/connexion")).text()
        logged = await staff_http.post(
            f"{server_b}/connexion",
            data={
                "csrf_token": _csrf(page),
                "email": mediator["email"],
                "password": mediator["password"],
            },
        )
        assert logged.status == 200 and "/tableau-de-bord" in str(logged.url)
        staff_cookie = _cookie_header(staff_http, server_b)

        control = socketio_client.AsyncClient(reconnection=False)
        closed = asyncio.Event()
        control.on("disconnect", lambda *args: closed.set(), namespace="/live")
        await control.connect(
            server_a,
            namespaces=["/live"],
            transports=["websocket"],
            headers={"Cookie": staff_cookie},
            auth={"code": code, "role": "control"},
        )
        try:
            ack = await control.call("control", {"action": "next"}, namespace="/live", timeout=10)
            assert ack["ok"] is True, ack

            # Log out on process B: the socket held by process A closes.
            dashboard = await (await staff_http.get(f"{server_b}/tableau-de-bord")).text()
            out = await staff_http.post(
                f"{server_b}/deconnexion", data={"csrf_token": _csrf(dashboard)}
            )
            assert "/connexion" in str(out.url)
            await asyncio.wait_for(closed.wait(), 10)
        finally:
            if control.connected:
                await control.disconnect()

    # The old cookie cannot open a control socket again, on either process.
    for server in (server_a, server_b):
        replay = socketio_client.AsyncClient(reconnection=False)
        with pytest.raises(socketio_client.exceptions.ConnectionError):
            await replay.connect(
                server,
                namespaces=["/live"],
                transports=["websocket"],
                headers={"Cookie": staff_cookie},
                auth={"code": code, "role": "control"},
                wait_timeout=10,
            )
        if replay.connected:
            await replay.disconnect()


def test_logout_on_one_process_closes_the_control_socket_on_another(two_servers):
    demo, (server_a, server_b) = two_servers
    processes.run_in_own_loop(_scenario(demo, server_a, server_b))
