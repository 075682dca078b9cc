"""The build page: start from a programme, edit, preview, download, print, save.

Each route parses the form, calls the engine adapter and turns its errors into a
message on the page. The whole plan travels in the form, so nothing about a
patient is kept on the server.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from handouts.errors import HandoutsError
from handouts.web import engine_library as library
from handouts.web.app import checked_form, page
from handouts.web.engine import Engine, error_text
from handouts.web.engine_library import SaveConflict
from handouts.web.plan import (
    PageOptions,
    PatientFields,
    Plan,
    PlanError,
    apply_action,
    options_from_form,
    patient_from_form,
    plan_from_form,
)


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _is_fetch(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


async def home(_request: Request) -> Response:
    return RedirectResponse("/build", status_code=303)


async def build_page(request: Request) -> Response:
    engine = _engine(request)
    start = request.query_params.get("start", engine.default_programme())
    messages: list[str] = []
    try:
        plan = engine.plan_for("" if start == "blank" else start)
    except PlanError as error:
        plan, messages = engine.plan_for(""), [str(error)]
    return _build_view(request, plan, PatientFields(), PageOptions(), messages=messages)


async def build_edit(request: Request) -> Response:
    """A button on the build page: load a programme, add, move or remove an item."""
    engine = _engine(request)
    form = await checked_form(request)
    action = str(form.get("action") or "")
    messages: list[str] = []
    notice = ""
    try:
        patient, options = patient_from_form(form), options_from_form(form)
    except PlanError as error:
        patient, options, messages = PatientFields(), PageOptions(), [str(error)]
    if action == "start":
        start = str(form.get("start") or "")
        try:
            plan = engine.plan_for("" if start == "blank" else start)
            notice = "Started from a blank plan" if start == "blank" else "Programme loaded"
        except PlanError as error:
            plan, messages = engine.plan_for(""), [str(error)]
        return _build_view(request, plan, patient, options, messages=messages, notice=notice)
    try:
        plan = plan_from_form(form, [str(s) for s in form.getlist("section")])
    except PlanError as error:
        return _build_view(request, engine.plan_for(""), patient, options, messages=[str(error)])
    if action == "add-section":
        action = f"add-section:{form.get('new_section') or ''}"
    try:
        if action and action != "filter":
            notice = apply_action(plan, action)
    except PlanError as error:
        messages.append(str(error))
    query = (str(form.get("q") or ""), str(form.get("tag") or ""))
    return _build_view(request, plan, patient, options, messages, notice, query)


def _build_view(
    request: Request,
    plan: Plan,
    patient: PatientFields,
    options: PageOptions,
    messages: list[str] | None = None,
    notice: str = "",
    query: tuple[str, str] = ("", ""),
    status_code: int = 200,
    save: dict[str, Any] | None = None,
    resend: bool = False,
) -> Response:
    engine = _engine(request)
    exercises = library.exercises(engine)
    by_id = {exercise.id: exercise for exercise in exercises}
    text, tag = query[0].strip().lower(), query[1]
    shown = [
        exercise
        for exercise in exercises
        if (not tag or tag in exercise.tags)
        and (
            not text
            or text in f"{exercise.name} {exercise.summary} {' '.join(exercise.tags)}".lower()
        )
    ]
    weeks, sessions = engine.sessions_of(plan.base)
    sections = library.sections(engine)
    context = {
        "title": "Build a handout",
        "plan": plan,
        "patient": patient,
        "options": options,
        "programmes": library.programmes(engine),
        "sections": sections,
        "section_titles": {section.id: section.title for section in sections},
        "exercises": exercises,
        "shown": {exercise.id for exercise in shown},
        "by_id": by_id,
        "tags": sorted({tag for exercise in exercises for tag in exercise.tags}),
        "query": text,
        "tag": tag,
        "weeks": plan.weeks or weeks,
        "sessions": plan.sessions or sessions,
        "messages": messages or [],
        "notice": notice,
        "brand": engine.brand_name(),
        "demo_brand": engine.uses_demo_brand(),
        "problems": len(engine.content_problems()),
        "save": save or {},
        "resend": resend,
    }
    return page(request, "build.html", context, status_code)


async def _read_build_form(request: Request) -> tuple[Any, Plan, PatientFields, PageOptions]:
    form = await checked_form(request)
    plan = plan_from_form(form, [str(s) for s in form.getlist("section")])
    return form, plan, patient_from_form(form), options_from_form(form)


async def build_pdf(request: Request) -> Response:
    """The handout PDF: for the preview (inline), Print (inline, new tab) or Download."""
    engine = _engine(request)
    try:
        form, plan, patient, options = await _read_build_form(request)
        started = time.perf_counter()
        built = await run_in_threadpool(engine.build, plan, patient, options)
        elapsed = (time.perf_counter() - started) * 1000
    except (PlanError, HandoutsError) as error:
        lines = [str(error)] if isinstance(error, PlanError) else error_text(error)
        if _is_fetch(request):
            return Response("\n".join(lines), status_code=422, media_type="text/plain")
        return page(
            request,
            "message.html",
            {"title": "The handout could not be built", "messages": lines},
            422,
        )
    disposition = "attachment" if form.get("deliver") == "download" else "inline"
    headers = {
        "content-disposition": f'{disposition}; filename="{built.filename}"',
        "server-timing": f"build;dur={elapsed:.1f}",
    }
    if built.warnings:  # the page's script shows them under the preview (a colour darkened)
        headers["x-handout-notes"] = quote("\n".join(built.warnings))
    return Response(built.pdf, media_type="application/pdf", headers=headers)


async def build_save(request: Request) -> Response:
    """Save the plan as a clinic programme in the workspace's programmes/ folder."""
    engine = _engine(request)
    form = await checked_form(request)
    try:
        plan = plan_from_form(form, [str(s) for s in form.getlist("section")])
        patient, options = patient_from_form(form), options_from_form(form)
    except PlanError as error:
        raise HTTPException(400, str(error)) from None
    save = {
        "id": str(form.get("save_id") or "").strip(),
        "title": str(form.get("save_title") or "").strip(),
        "summary": str(form.get("save_summary") or "").strip(),
    }
    replace = form.get("replace") == "yes"
    try:
        path = await run_in_threadpool(
            library.save_programme,
            engine,
            plan,
            save["id"],
            save["title"],
            save["summary"],
            replace,
        )
    except SaveConflict as error:
        save["conflict"] = True
        return _build_view(
            request,
            plan,
            patient,
            options,
            [f"{error.format_message()}. Replace it?"],
            save=save,
            status_code=409,
        )
    except (PlanError, HandoutsError) as error:
        lines = [str(error)] if isinstance(error, PlanError) else error_text(error)
        return _build_view(request, plan, patient, options, lines, save=save, status_code=422)
    plan.base = save["id"]
    notice = f"Saved as {path.parent.name}/{path.name}; it is now in the programme list"
    return _build_view(request, plan, patient, options, notice=notice)


async def build_email(request: Request) -> Response:
    """E-mail the handout to the patient's address (the workspace's smtp: settings)."""
    from handouts.web.engine_batch import AlreadySent, send_handout

    engine = _engine(request)
    try:
        form, plan, patient, options = await _read_build_form(request)
    except PlanError as error:
        raise HTTPException(400, str(error)) from None
    again = form.get("send_again") == "yes"
    sent = request.app.state.sent
    try:
        to = await run_in_threadpool(send_handout, engine, plan, patient, options, sent, again)
    except AlreadySent as error:
        message = f"{error.format_message()}. Send it again?"
        return _build_view(request, plan, patient, options, [message], resend=True, status_code=409)
    except (PlanError, HandoutsError) as error:
        lines = [str(error)] if isinstance(error, PlanError) else error_text(error)
        return _build_view(request, plan, patient, options, lines, status_code=422)
    return _build_view(request, plan, patient, options, notice=f"E-mailed the handout to {to}")


async def figure(request: Request) -> Response:
    """An exercise's picture: ``?level=N`` (default 1), ``&size=small`` for a thumbnail."""
    level = request.query_params.get("level", "1")
    size = request.query_params.get("size", "")
    found = None
    if level.isdigit() and len(level) < 4:
        found = await run_in_threadpool(
            library.figure, _engine(request), request.path_params["exercise"], int(level), size
        )
    if found is None:
        raise HTTPException(404, "There is no picture for that exercise.")
    # A picture is never a page: nothing in it may run or load, even opened on its own.
    headers = {"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"}
    if found.path is not None:
        headers["cache-control"] = "max-age=300"
        return FileResponse(found.path, media_type=found.media_type, headers=headers)
    tag = '"' + hashlib.sha256(found.data).hexdigest()[:20] + '"'
    headers |= {"etag": tag, "cache-control": "no-cache"}  # asked again, answered 304
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    data = found.data
    if "gzip" in request.headers.get("accept-encoding", ""):
        data = gzip.compress(data, compresslevel=6, mtime=0)
        headers["content-encoding"] = "gzip"
    headers["vary"] = "accept-encoding"
    return Response(data, media_type=found.media_type, headers=headers)


async def login_page(request: Request) -> Response:
    return page(request, "login.html", {"title": "Log in", "messages": []})


async def login(request: Request) -> Response:
    form = await checked_form(request)
    sessions = request.app.state.sessions
    attempt = str(form.get("password") or "")
    ok = await run_in_threadpool(sessions.log_in, request.state.sid, attempt)
    if ok:
        return RedirectResponse("/build", status_code=303)
    return page(
        request, "login.html", {"title": "Log in", "messages": ["That password is not right."]}, 403
    )


ROUTES = [
    Route("/", home),
    Route("/build", build_page, methods=["GET"]),
    Route("/build", build_edit, methods=["POST"]),
    Route("/build/pdf", build_pdf, methods=["POST"]),
    Route("/build/save", build_save, methods=["POST"]),
    Route("/build/email", build_email, methods=["POST"]),
    Route("/figure/{exercise}", figure),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
]
