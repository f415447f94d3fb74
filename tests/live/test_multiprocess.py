"""Two real server processes share one live session through Redis and PostgreSQL.

A phone connected to process A answers; the screen connected to process B sees the
result. A mediator driving the board from B moves the phone on A to the next activity.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import yarl

from tests import processes

aiohttp = pytest.importorskip("aiohttp")
socketio_client = pytest.importorskip("socketio")


@pytest.fixture(scope="module")
def database(request):
    with processes.postgresql_database(request, "multiprocess") as url:
        yield url


@pytest.fixture(scope="module")
def two_servers(database, tmp_path_factory):
    if not processes.redis_reachable():
        processes.unavailable("Redis is not reachable at 127.0.0.1:6379")
    env = processes.server_environment(database)
    ports = [processes.free_port(), processes.free_port()]
    demo = processes.prepare(env, f"http://127.0.0.1:{ports[0]}")
    with processes.app_servers(env, ports, tmp_path_factory.mktemp("servers")):
        yield demo, [f"http://127.0.0.1:{port}" for port in ports], ports


_csrf = processes.csrf
_cookie_header = processes.cookie_header


def _jar(base: str, route: str | None):
    """A cookie jar; with ``route``, nginx's sticky cookie already set (picks the process)."""
    jar = aiohttp.CookieJar(unsafe=True)
    if route is not None:
        jar.update_cookies({"fac_route": route}, yarl.URL(base))
    return jar


async def _scenario(
    demo: dict, server_a: str, server_b: str, routes: tuple[str, str] | None = None
) -> None:
    """Phone on A, screen and mediator on B. ``routes``: A and B are one nginx address,
    and the sticky cookies pick the process; the clients then start on long-polling and
    upgrade, as browsers do (every polling request must reach the same process)."""
    code = demo["live"]["join_code"]
    screen_key = demo["live"]["screen_url"].rsplit("/", 1)[1]
    route_a, route_b = routes or (None, None)
    transports = ["polling", "websocket"] if routes else ["websocket"]
    jar = _jar(server_a, route_a)
    async with aiohttp.ClientSession(cookie_jar=jar) as phone_http:
        page = await (await phone_http.get(f"{server_a}/j/{code}")).text()
        joined = await phone_http.post(
            f"{server_a}/j/{code}",
            data={"csrf_token": _csrf(page), "pseudonym": "Colibri", "language": "fr"},
        )
        assert joined.status == 200, await joined.text()
        phone_cookie = _cookie_header(phone_http, server_a)

    mediator = demo["mediators"][0]
    jar = _jar(server_b, route_b)
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

    phone = socketio_client.AsyncClient(reconnection=False)
    screen = socketio_client.AsyncClient(reconnection=False)
    control = socketio_client.AsyncClient(reconnection=False)
    results, phone_states = asyncio.Queue(), asyncio.Queue()
    screen.on("results", results.put, namespace="/live")
    phone.on("state", phone_states.put, namespace="/live")
    try:
        await phone.connect(
            server_a,
            namespaces=["/live"],
            transports=transports,
            headers={"Cookie": phone_cookie},
            auth={"code": code},
        )
        await screen.connect(
            server_b,
            namespaces=["/live"],
            transports=transports,
            headers={"Cookie": f"fac_route={route_b}"} if route_b else {},
            auth={"code": code, "role": "screen", "key": screen_key},
        )
        await control.connect(
            server_b,
            namespaces=["/live"],
            transports=transports,
            headers={"Cookie": staff_cookie},
            auth={"code": code, "role": "control"},
        )
        first_state = await asyncio.wait_for(phone_states.get(), 10)
        poll_id = first_state["activity"]["id"]

        # A phone on process A answers; the screen on process B sees it counted.
        ack = await phone.call(
            "answer",
            {"activity_id": poll_id, "client_id": "mp-answer-1", "value": [2]},
            namespace="/live",
            timeout=10,
        )
        assert ack["ok"] is True and ack["duplicate"] is False
        deadline = time.monotonic() + 10
        count = 0
        while count < 1:
            payload = await asyncio.wait_for(results.get(), max(0.1, deadline - time.monotonic()))
            count = payload["count"]
        assert count == 1

        # The mediator on process B moves the board; the phone on process A follows.
        ack = await control.call("control", {"action": "next"}, namespace="/live", timeout=10)
        assert ack["ok"] is True, ack
        deadline = time.monotonic() + 10
        while True:
            state = await asyncio.wait_for(
                phone_states.get(), max(0.1, deadline - time.monotonic())
            )
            if state["activity"] and state["activity"]["id"] != poll_id:
                break
        assert state["activity"]["kind"] == "scale"
    finally:
        for client in (phone, screen, control):
            if client.connected:
                await client.disconnect()


def test_two_processes_share_a_session_through_redis(two_servers):
    demo, (server_a, server_b), _ports = two_servers
    processes.run_in_own_loop(_scenario(demo, server_a, server_b))


@pytest.fixture(scope="module")
def behind_nginx(request, tmp_path_factory):
    """The production topology: nginx (sticky cookie) → two app processes → Redis, PG."""
    if not processes.redis_reachable():
        processes.unavailable("Redis is not reachable at 127.0.0.1:6379")
    with processes.postgresql_database(request, "nginx") as database:
        env = processes.server_environment(database, TRUSTED_PROXIES="1")
        ports = [processes.free_port(), processes.free_port()]
        workdir = tmp_path_factory.mktemp("nginx")
        demo = processes.prepare(env, "http://127.0.0.1")
        with processes.app_servers(env, ports, workdir), processes.nginx(ports, workdir) as port:
            yield demo, port, ports


def test_a_session_runs_through_nginx_with_phone_and_screen_on_different_processes(
    behind_nginx,
):
    demo, port, ports = behind_nginx
    # Two sticky cookies that nginx routes to the two processes.
    by_upstream: dict[str, str] = {}
    for i in range(64):
        by_upstream.setdefault(processes.upstream_of(port, f"route-{i}"), f"route-{i}")
        if len(by_upstream) == 2:
            break
    assert sorted(by_upstream) == sorted(f"127.0.0.1:{p}" for p in ports), by_upstream
    route_a, route_b = (by_upstream[f"127.0.0.1:{p}"] for p in ports)
    # The same cookie always reaches the same process (long-polling needs it).
    assert {processes.upstream_of(port, route_a) for _ in range(5)} == {f"127.0.0.1:{ports[0]}"}
    base = f"http://127.0.0.1:{port}"
    processes.run_in_own_loop(_scenario(demo, base, base, routes=(route_a, route_b)))
    # Each process tells the load balancer it reaches PostgreSQL and Redis and that its
    # message-queue listener is subscribed (it carried the broadcasts above).
    for route in (route_a, route_b):
        assert processes.health_through(port, route) == {
            "status": "ok",
            "database": "ok",
            "redis": "ok",
            "listener": "ok",
        }
