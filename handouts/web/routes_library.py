"""The library page: browse exercises (figures, levels), sections and programmes; check them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from handouts.web.app import checked_form, page


def _view(request: Request, problems: list[str] | None = None, checked: bool = False) -> Response:
    engine = request.app.state.engine
    context = {
        "title": "Library",
        "exercises": engine.exercises(),
        "sections": engine.sections(),
        "programmes": engine.programmes(),
        "problems": problems or [],
        "left_out": engine.content_problems(),
        "checked": checked,
    }
    return page(request, "library.html", context)


async def library_page(request: Request) -> Response:
    return _view(request)


async def library_check(request: Request) -> Response:
    """Run the checks `handouts check` runs (it lays out every clinic item: a few seconds)."""
    await checked_form(request)
    problems = await run_in_threadpool(request.app.state.engine.check)
    return _view(request, problems, checked=True)


ROUTES = [
    Route("/library", library_page, methods=["GET"]),
    Route("/library/check", library_check, methods=["POST"]),
]
