"""Every script served to phones parses as ES2017 (Android 7 WebView / Chrome 64, iOS 12).

esprima 4 parses ES2017 and rejects later syntax (optional chaining, ``??``, optional catch
binding, ``for await``, class fields…). It still accepts a few ES2018 forms; the walk below
refuses them too: object rest/spread, and regular expressions with the ``s`` flag,
lookbehind or named groups (lookbehind is missing from Safari before 16.4).
"""

from __future__ import annotations

import re
from pathlib import Path

import esprima
import pytest

import facilitation

STATIC = Path(facilitation.__file__).parent / "static"
SCRIPTS = sorted(STATIC.rglob("*.js"))
_LATE_REGEX = re.compile(r"\(\?<[=!]|\(\?<[A-Za-z_$]")


def later_than_es2017(source: str) -> list[str]:
    """What in this script an ES2017 browser does not understand ([] when nothing)."""
    try:
        tree = esprima.parseScript(source, {"range": False})
    except esprima.Error as error:
        return [f"syntax: {error}"]
    found: list[str] = []

    def visit(node, parent_type=None):
        if isinstance(node, list):
            for item in node:
                visit(item, parent_type)
            return
        if not hasattr(node, "type"):
            return
        kind = node.type
        if kind in ("SpreadElement", "RestElement") and parent_type in (
            "ObjectExpression",
            "ObjectPattern",
        ):
            found.append("object rest/spread (ES2018)")
        if kind == "Literal" and getattr(node, "regex", None):
            flags = node.regex.flags or ""
            if "s" in flags:
                found.append(f"regular expression flag s (ES2018): /{node.regex.pattern}/")
            if _LATE_REGEX.search(node.regex.pattern):
                found.append(f"lookbehind or named group (ES2018): /{node.regex.pattern}/")
        for key, value in vars(node).items():
            if key in ("type", "regex"):
                continue
            if isinstance(value, list) or hasattr(value, "type"):
                visit(value, kind)

    visit(tree)
    return found


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.relative_to(STATIC).as_posix())
def test_served_script_is_es2017(path):
    assert later_than_es2017(path.read_text(encoding="utf-8")) == []


def test_there_are_scripts_to_check():
    names = {p.relative_to(STATIC).as_posix() for p in SCRIPTS}
    assert {"js/live.js", "js/app.js", "vendor/htmx-2.0.8.min.js"} <= names


@pytest.mark.parametrize(
    "snippet",
    [
        "a?.b",
        "a ?? b",
        "try {} catch {}",
        "async function f(y) { for await (const x of y) {} }",
        "class A { x = 1 }",
        "var o = {...a}",
        "var {a, ...rest} = o",
        "var r = /a.b/s",
        "var r = /(?<=a)b/",
        "var r = /(?<year>\\d+)/",
    ],
)
def test_the_checker_refuses_later_syntax(snippet):
    assert later_than_es2017(snippet), snippet


def test_the_checker_accepts_es2017():
    source = (
        "async function f(a, ...rest) { const [x, ...y] = await a; return [...y, x ** 2]; }"
        "class B { m() { return `t${1}`; } }"
        "var o = Object.assign({}, {a: 1}); var r = /a(?=b)/g;"
    )
    assert later_than_es2017(source) == []
