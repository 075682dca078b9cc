"""The library page: browse exercises (figures, levels), sections and programmes; check them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from handouts.errors import HandoutsError
from handouts.web import engine_library as library
from handouts.web.app import checked_form, page
from handouts.web.engine import error_text


def _view(
    request: Request,
    problems: list[str] | None = None,
    checked: bool = False,
    messages: list[str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    engine = request.app.state.engine
    context = {
        "messages": messages or [],
        "notice": notice,
        "title": "Library",
        "exercises": library.exercises(engine),
        "sections": library.sections(engine),
        "programmes": library.programmes(engine),
        "problems": problems or [],
        "left_out": engine.content_problems(),
        "checked": checked,
    }
    return page(request, "library.html", context, status_code)


async def library_page(request: Request) -> Response:
    return _view(request)


async def library_check(request: Request) -> Response:
    """Run the checks `handouts check` runs (it lays out every clinic item: a few seconds)."""
    await checked_form(request)
    problems = await run_in_threadpool(library.check, request.app.state.engine)
    return _view(request, problems, checked=True)


async def library_copy(request: Request) -> Response:
    """Make my own copy: the built-in item's file into the clinic's content folder."""
    engine = request.app.state.engine
    form = await checked_form(request)
    kind, _, item_id = str(form.get("item") or "").partition(":")
    new_id = str(form.get("new_id") or "").strip()
    try:
        files = await run_in_threadpool(library.copy_item, engine, kind, item_id, new_id)
    except HandoutsError as error:
        return _view(request, messages=error_text(error), status_code=422)
    where = ", ".join(f"{path.parent.name}/{path.name}" for path in files)
    return _view(request, notice=f"Copied to {where} in your clinic folder: edit it there.")


ROUTES = [
    Route("/library", library_page, methods=["GET"]),
    Route("/library/check", library_check, methods=["POST"]),
    Route("/library/copy", library_copy, methods=["POST"]),
]
