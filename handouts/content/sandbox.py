"""A jinja2 sandbox that bounds what one template may cost.

jinja2's sandbox stops a template reaching Python's internals, but not using all
of the memory or time: ``{{ 'x' * 1000000000 }}`` in a clinic's ``intro.txt.j2``
ran past 60 s at 6.9 GB, in ``check`` too. Here every way a template can make
something big is bounded:

* a value (text or list) made by ``*``, ``+``, ``~``, ``%``, a filter or a method
  holds at most ``MAX_VALUE`` items, checked before repetition and after the rest
  (which at most double what was checked);
* ``**`` gives at most a few thousand digits; format widths are at most ``MAX_VALUE``;
* lists and dicts cannot be changed in place (``x.extend(x)`` doubles a list);
* loop iterations and calls share a budget of ``MAX_STEPS`` and a deadline;
* the rendered text holds at most ``MAX_OUTPUT`` characters.

Past a bound, rendering stops with ``TemplateLimit``, whose text says what to change.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_VALUE = 100_000  # characters or items in one value: a letter is a few thousand
MAX_OUTPUT = 1_000_000  # characters a template renders
MAX_STEPS = 200_000  # loop iterations and calls in one rendering
MAX_SECONDS = 5.0
MAX_POWER_BITS = 10_000  # ``**`` of whole numbers: about 3,000 digits

_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?\d{6,}[^{}]*\}|%[-+ #0]*(?:\d{6,}|\d*\.\d{6,})")


class TemplateLimit(Exception):  # noqa: N818 - its text is the problem, for the user
    """The template asks for more than a handout's text needs."""


@dataclass
class _Budget:
    steps: int = 0
    deadline: float = 0.0


_budget: ContextVar[_Budget] = ContextVar("template_budget")


def _step() -> None:
    budget = _budget.get(None)
    if budget is None:
        return
    budget.steps += 1
    if budget.steps > MAX_STEPS:
        raise TemplateLimit(
            f"the template loops or calls more than {MAX_STEPS:,} times; loop over less"
        )
    if budget.steps % 1000 == 0 and time.monotonic() > budget.deadline:
        raise TemplateLimit(f"the template takes more than {MAX_SECONDS:g} s; loop over less")


def _too_big() -> TemplateLimit:
    return TemplateLimit(
        f"the template makes a value of more than {MAX_VALUE:,} characters or items; repeat less"
    )


def _sized(value: Any) -> Any:
    if _length(value) > MAX_VALUE:
        raise _too_big()
    return value


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _step()
        yield item


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """A number past MAX_VALUE given to a filter or method is a width or a count: too big."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE:
            raise TemplateLimit(
                f"the template passes {value:,} to a filter or method; use a number up to"
                f" {MAX_VALUE:,}"
            )


def _check_growth(name: str, receiver: Any, args: tuple[Any, ...]) -> None:
    """Methods and filters whose result can be far larger than what they are given."""
    if name in ("replace", "do_replace") and len(args) >= 2 and isinstance(receiver, str):
        old, new = str(args[0]), str(args[1])
        count = receiver.count(old) if old else len(receiver) + 1
        _estimate(len(receiver) + count * max(0, len(new) - len(old)))
    elif name in ("join", "do_join") and args:
        separator, items = (receiver, args[0]) if isinstance(receiver, str) else (args[0], receiver)
        if isinstance(items, (list, tuple, str)):
            _estimate(_length(separator) * len(items) + sum(_length(i) for i in items))
    elif name in ("format", "format_map", "do_format") and isinstance(receiver, str):
        _check_format(receiver)


def _estimate(size: int) -> None:
    if size > MAX_VALUE:
        raise _too_big()


def _check_format(text: str) -> None:
    if _FORMAT_WIDTH.search(text):
        raise TemplateLimit(f"the template formats with a width over {MAX_VALUE:,}; use less")


class _Bounds(NodeTransformer):
    """Counts every loop's iterations, and checks the size of every ``~`` join."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - jinja2's visitor name
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return nodes.Filter(node, "_sized", [], [], None, None, lineno=node.lineno)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """jinja2's sandbox with the bounds above; ``render`` renders within them.

    The immutable sandbox: ``x.extend(x)`` in a loop doubled a list past any bound.
    """

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.filters["_counted"] = _counted
        self.filters["_sized"] = _sized

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # jinja2 offers no public hook between parsing and compiling; this one is stable in 3.x.
        return _Bounds().visit(super()._parse(source, name, filename))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(count, int) and _length(sequence):
                    _estimate(_length(sequence) * count)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise TemplateLimit("the template raises a number to too high a power")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _step()
        _check_arguments(args, kwargs)
        _check_growth(getattr(__obj, "__name__", ""), getattr(__obj, "__self__", None), args)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Any:
        if isinstance(getattr(value, "__self__", None), str):
            _check_format(value.__self__)
        return super().wrap_str_format(value)

    def render(self, template: Any, context: dict[str, Any]) -> str:
        """The template rendered within the bounds, or ``TemplateLimit``."""
        token = _budget.set(_Budget(deadline=time.monotonic() + MAX_SECONDS))
        try:
            parts, size = [], 0
            for part in template.generate(context):
                size += len(part)
                if size > MAX_OUTPUT:
                    raise TemplateLimit(
                        f"the template writes more than {MAX_OUTPUT:,} characters; write less"
                    )
                parts.append(part)
            return "".join(parts)
        finally:
            _budget.reset(token)


def _bounded_filter(name: str, function: Any) -> Any:
    """A built-in filter that checks its numbers before, and its result's size after."""
    from functools import wraps

    @wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _step()
        values = [a for a in args if not _is_jinja_context(a)]
        _check_arguments(tuple(values[1:]), kwargs)
        if values:
            _check_growth(f"do_{name}", values[0], tuple(values[1:]))
        return _sized(function(*args, **kwargs))

    return bounded


def _is_jinja_context(value: Any) -> bool:
    from jinja2 import Environment
    from jinja2.runtime import Context, EvalContext

    return isinstance(value, (Context, EvalContext, Environment))
