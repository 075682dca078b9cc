"""Clinic templates within bounds: every way to make a value, a loop or an output
too big for memory or time stops with a line naming the file, quickly."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.content.templating import TemplateError, render_template

VALUE = "makes a value of more than 100,000 characters or items"
NUMBER = "passes 1,000,000,000 to a filter or method"
WIDTH = "formats with a width over 100,000"
STEPS = "loops or calls more than 200,000 times"
# A hang guard, not a speed target: unbounded, these templates ran past 60 s; bounded,
# they stop in well under a second on a quiet machine, and CI machines are not quiet.
HANG = 30
OUTPUT = "writes more than 1,000,000 characters"

HOSTILE = {
    "repeat-text": ("{{ 'x' * 1000000000 }}", VALUE),
    "repeat-text-reversed": ("{{ 1000000000 * 'x' }}", VALUE),
    "repeat-list": ("{{ ['a'] * 10**9 }}", VALUE),
    "power": ("{{ 7 ** 99999999 }}", "too high a power"),
    "doubling-concat": (
        "{% set ns = namespace(s='xy') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        VALUE,
    ),
    "doubling-plus": (
        "{% set ns = namespace(s=[1]) %}{% for i in range(60) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}",
        VALUE,
    ),
    "doubling-extend": (
        "{% set x = [1] %}{% for i in range(60) %}{{ x.extend(x) }}{% endfor %}",
        "unsafe",
    ),
    "center-filter": ("{{ 'x'|center(1000000000) }}", NUMBER),
    "center-method": ("{{ 'x'.center(1000000000) }}", NUMBER),
    "zfill": ("{{ 'x'.zfill(10**9) }}", NUMBER),
    "indent": ("{{ 'ab'|indent(10**9) }}", NUMBER),
    "slice": ("{{ range(10)|slice(10**9)|list|length }}", NUMBER),
    "lipsum": ("{{ lipsum(10**9) }}", NUMBER),
    "percent-width": ("{{ '%0999999999d' % 1 }}", WIDTH),
    "format-width": ("{{ '{:>999999999}'.format(1) }}", WIDTH),
    "format-filter-width": ("{{ '%0999999999d'|format(1) }}", WIDTH),
    "replace-method": ("{{ ('x' * 99999).replace('x', 'y' * 99999) }}", VALUE),
    "replace-filter": ("{{ ('x' * 99999)|replace('x', 'y' * 99999) }}", VALUE),
    "join-method": ("{{ ('y' * 99999).join(range(99999)|list) }}", VALUE),
    "join-filter": ("{{ range(99999)|list|join('y' * 99999) }}", VALUE),
    "nested-loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        STEPS,
    ),
    "exponential-macro": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ f(60) }}",
        STEPS,
    ),
    "endless-macro": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself"),
    "long-output": ("{% for i in range(99999) %}{{ 'x' * 99 }}{% endfor %}", OUTPUT),
}


@pytest.mark.parametrize(("text", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_template_past_a_bound_stops_in_one_line_at_its_file(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "intro.txt.j2").write_text("Hello.\n" + text + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(TemplateError) as error:
        render_template([tmp_path], "intro.txt.j2", {})
    assert time.monotonic() - started < HANG  # the bound is counted in steps, not seconds
    message = error.value.format_message()
    where = f"{tmp_path / 'intro.txt.j2'}" + ("" if expected == OUTPUT else ":2")
    assert message.startswith(f"{where}: ")
    assert expected in message
    assert "\n" not in message


def test_an_ordinary_letter_renders_as_before(tmp_path: Path) -> None:
    (tmp_path / "intro.txt.j2").write_text(
        "Dear {{ name }},\n{% for week in weeks %}{{ loop.index }}/{{ loop.length }}: "
        "{{ '%-6s' % week }}|{{ '{:>4}'.format(week) }} {{ 'ab' * 2 }}"
        "{{ week|center(8) }}{% endfor %}\n{{ ['a', 'b']|join(', ') }} {{ 2 ** 10 }}\n",
        encoding="utf-8",
    )
    text = render_template([tmp_path], "intro.txt.j2", {"name": "Sam", "weeks": ["1", "2"]})
    assert text == (
        "Dear Sam,\n1/2: 1     |   1 abab   1    2/2: 2     |   2 abab   2    a, b 1024\n"
    )


def _limit_memory() -> None:
    limit = 1_000_000_000
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_check_stops_a_huge_template_within_a_memory_and_time_limit(tmp_path: Path) -> None:
    """Before, this intro ran past 60 s at 6.9 GB; here under 1 GB and 60 s."""
    subprocess.run([sys.executable, "-m", "handouts", "init", "ws"], cwd=tmp_path, check=True)
    workspace = tmp_path / "ws"
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "intro.txt.j2").write_text(
        "{{ 'x' * 1000000000 }}\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "check"],
        cwd=workspace,
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"templates/intro.txt.j2:1: the template {VALUE}; repeat less",
        "1 problem found",
    ]


# -- any template: the project's own error or text, quickly ----------------------------------

_PIECES = st.sampled_from(
    [
        "{{ 'ab' * n }}",
        "{{ n ** n }}",
        "{{ 'x'|center(n) }}",
        "{{ ('x' * n)|replace('x', 'yy' * n) }}",
        "{% for i in range(n) %}",
        "{% endfor %}",
        "{{ ['a'] * n }}",
        "{% set ns.s = ns.s ~ ns.s %}",
        "{{ '%0' ~ n ~ 'd' }}",
        "{{ ('{:' ~ n ~ '}').format(1) }}",
        "{{ name }}",
        "{{ missing }}",
        "{{ name.__class__ }}",
        "{% if n %}",
        "{% endif %}",
        "{{ lipsum(n) }}",
        "{{ range(n)|list|join('-' * n) }}",
        "{{ 'x'.zfill(n) }}",
        "{{",
        "text ",
    ]
)


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pieces=st.lists(_PIECES, max_size=8),
    n=st.sampled_from([0, 3, 999, 99_999, 10**6, 10**9, -5]),
)
def test_fuzz_a_template_renders_or_fails_in_one_line(
    tmp_path: Path, pieces: list[str], n: int
) -> None:
    path = tmp_path / "fuzz.txt.j2"
    path.write_text("{% set ns = namespace(s='ab') %}" + "".join(pieces), encoding="utf-8")
    started = time.monotonic()
    try:
        text = render_template([tmp_path], "fuzz.txt.j2", {"name": "Sam", "n": n})
    except TemplateError as error:
        assert error.format_message().startswith(str(path))
    else:
        assert len(text) <= 1_000_000
    assert time.monotonic() - started < HANG
