"""Every page, as every role, with odd query parameters: never a 500.

Routes come from ``app.url_map`` (every GET route; a new one is covered without editing
this file, and a route whose path argument is unknown here fails the test), their path
ids from a seeded world (the authorisation matrix's), and the parameter names from the
code itself (every ``request.args`` / ``request.values`` read, and the fields of the GET
forms). Values: huge and negative numbers, dates out of range, CR/LF, percent-encoded
lone surrogates and invalid UTF-8, very long strings, and whatever Hypothesis draws.

POST routes are left out on purpose: they change state (archive, erase, log out), so
fuzzing them here would mostly test the fuzzer; their input goes through WTForms and the
services' validation, tested with each feature.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from facilitation.audit.forms import JournalFilterForm

from ..conftest import PASSWORD
from ..test_authorisation_matrix import ROLES, _ids

SOURCE = Path(__file__).resolve().parents[2] / "facilitation"
READS = re.compile(
    r"""request\.(?:args|values)(?:\.get(?:list)?\(|\[)\s*["']([^"']+)["']"""
    r"""|["']([^"']+)["']\s+in\s+request\.(?:args|values)"""
)

GET_FORMS = [JournalFilterForm]  # forms read from the query string

# Path arguments of the app's routes -> the key of the seeded world's ids.
PATH_IDS = {
    "space_id": "space",
    "cycle_id": "cycle",
    "session_id": "session",
    "board_id": "board",
    "activity_id": "activity",
    "participant_id": "participant",
    "tool_id": "tool",
    "item_id": "plan_item",
    "template_id": "template",
    "invitation_id": "invitation",
    "user_id": "other_mediator",
    "live_participant_id": "phone",
    "code": "code",
    "key": "key",
    "token": "link_token",
    "project_id": "project",
    "step_id": "step",
    "decision_id": "decision",
    "action_id": "action",
    "attachment_id": "attachment",
    "entry_id": "log_entry",
    "objective_id": "objective",
    "version_id": "grid_version",
    "barrier_id": "barrier",
    "bilan_id": "bilan",
    "section_id": "bilan_section",
}
FIXED_PATHS = {
    ("main.set_language", "code"): "fr",
    ("static", "filename"): "css/app.css",
    ("reports.session_export", "fmt"): "csv",
    ("indicators.export", "fmt"): "csv",
    ("indicators.barriers_export", "fmt"): "csv",
    ("indicators.grid_fill", "grid_word"): "annexe-5",
    ("indicators.grid_compare", "grid_word"): "annexe-5",
    ("bilans.export", "fmt"): "odt",
    # no photo in the seeded world: the library's and the board's photo routes say 404
    ("images.file", "image_id"): "999",
    ("live.phone_image", "image_id"): "999",
    ("live.screen_image", "image_id"): "999",
}

# Already percent-encoded: sent as they are.
RAW_VALUES = [
    "%ED%A0%80",  # a lone surrogate (U+D800) as UTF-8 would carry it
    "%ED%BF%BF%ED%A0%80x",
    "%FF%FE%FD",  # not UTF-8 at all
    "%C0%AF",  # an overlong slash
    "%00",
    "/%0D%0ASet-Cookie:%20x=1",
    "%0D%0A%0D%0A<script>",
    "%E2%80%AE1202-21",  # a right-to-left override
    "%25%25%25",
]
PLAIN_VALUES = [
    "9" * 30,
    str(2**63),
    str(2**64 + 1),
    "-1",
    "-9223372036854775809",
    "0",
    "1e309",
    "NaN",
    "9999-12",
    "0000-00",
    "0001-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "-2026-01",
    "١٢٣",
    "x" * 5000,
    "é" * 2000,
    "",
    " ",
    "[]",
    "{}",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "../../etc/passwd",
]


QUERIES_PER_PAGE = 12  # with 3 × (number of parameters) ≥ number of values: all values


def parameter_names() -> list[str]:
    names = set()
    for path in SOURCE.rglob("*.py"):
        for match in READS.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    for form in GET_FORMS:
        names |= {name for name, value in vars(form).items() if isinstance(value, UnboundField)}
    return sorted(names)


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def query_string(params: dict[str, str], raw: bool = False) -> str:
    return "&".join(f"{name}={value if raw else _encode(value)}" for name, value in params.items())


def get_paths(app, ids: dict) -> list[str]:
    paths = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        values = {}
        for argument in rule.arguments:
            fixed = FIXED_PATHS.get((rule.endpoint, argument))
            assert fixed or argument in PATH_IDS, f"give {argument} ({rule.rule}) a seeded value"
            values[argument] = fixed or ids[PATH_IDS[argument]]
        paths.append(rule.build(values, append_unknown=False)[1])
    return paths


@pytest.fixture
def world_clients(app, world):
    """The seeded world's ids, its GET paths, and one logged-in client per role."""
    ids = _ids(world)
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            user = getattr(world, role)
            response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
        clients[role] = client
    return get_paths(app, ids), clients


def _get(client, path: str, query: str) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}{query}" if query else path)
    assert response.status_code < 500, f"{response.status_code} on {path}?{query[:200]}"


def test_the_parameters_and_routes_are_discovered(app, world_clients):
    names = parameter_names()
    assert {"mois", "next", "vue", "avec", "page", "personne", "du", "au"} <= set(names)
    paths, _clients = world_clients
    assert len(paths) > 40
    assert QUERIES_PER_PAGE + 3 * (len(names) - 1) >= len(RAW_VALUES) + len(PLAIN_VALUES)


def test_every_page_as_every_role_survives_odd_values(world_clients):
    """Each page gets QUERIES_PER_PAGE queries; in query k the j-th parameter gets the odd
    value k + 3j: every value reaches every page, each parameter sees a dozen of them (and
    Hypothesis below draws the other combinations)."""
    paths, clients = world_clients
    names = parameter_names()
    values = RAW_VALUES + [_encode(v) for v in PLAIN_VALUES]
    for client in clients.values():
        for path in paths:
            for k in range(QUERIES_PER_PAGE):
                params = {name: values[(k + 3 * j) % len(values)] for j, name in enumerate(names)}
                _get(client, path, query_string(params, raw=True))


def test_ids_past_64_bits_are_not_found(app, world_clients):
    """Found by the sweep below: an id past 2**63 reached SQLite (OverflowError, a 500)."""
    _paths, clients = world_clients
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    huge = [r for r in rules if any(a.endswith("_id") for a in r.arguments)]
    assert huge
    for rule in huge:
        values = {
            a: FIXED_PATHS.get((rule.endpoint, a), 2**64) if not a.endswith("_id") else 2**64
            for a in rule.arguments
        }
        path = rule.build(values, append_unknown=False)[1]
        for client in clients.values():
            assert client.get(path).status_code in (302, 404), path


odd_text = st.one_of(
    st.sampled_from(PLAIN_VALUES),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()[:7]),
    st.text(max_size=300),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Cf", "Zl", "Zp"]), max_size=20),
)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_odd_values_never_break_a_page(world_clients, data):
    paths, clients = world_clients
    names = parameter_names()
    client = clients[data.draw(st.sampled_from(ROLES), label="role")]
    path = data.draw(st.sampled_from(paths), label="path")
    params = data.draw(
        st.dictionaries(st.sampled_from(names), odd_text, min_size=1, max_size=4), label="query"
    )
    _get(client, path, query_string(params))
