"""The batch page: upload a roster, fix rows in place, build, download, optionally e-mail.

The roster travels in the page's form between steps; only the output folder the
user asks for (output/<roster name>/, as ``handouts batch`` writes) reaches the disk.
"""

from __future__ import annotations

import secrets

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from handouts.errors import HandoutsError
from handouts.web import engine_library as library
from handouts.web.app import checked_form, page
from handouts.web.engine import error_text
from handouts.web.engine_batch import (
    BatchJob,
    BatchSettings,
    RosterView,
    date_format,
    job_counts,
    job_files,
    read_roster,
    rows_to_csv,
    start_batch,
    zip_of,
)
from handouts.web.plan import PageOptions, PlanError, options_from_form

MAX_ROSTER = 1024 * 1024  # bytes
DATE_CHOICES = {
    "": "2026-12-31 (year first)",
    "DD/MM/YYYY": "31/12/2026 (day first)",
    "MM/DD/YYYY": "12/31/2026 (month first)",
}
KEPT_JOBS = 10  # finished batches whose page can still be opened
LAYOUTS = {
    "single": "One-sided",
    "duplex": "Double-sided (each patient starts on a new sheet)",
    "booklet": "A5 booklets (double-sided, fold in half)",
}


def _view(request: Request, status_code: int = 200, **context) -> Response:  # noqa: ANN003
    engine = request.app.state.engine
    base = {
        "title": "Batch",
        "programmes": library.programmes(engine),
        "programme": engine.default_programme(),
        "layouts": LAYOUTS,
        "layout": "single",
        "options": PageOptions(),
        "email": False,
        "dates": date_format(engine),
        "date_formats": DATE_CHOICES,
        "dry_run": False,
        "roster": None,
        "messages": [],
        "demo_brand": engine.uses_demo_brand(),
        "brand": engine.brand_name(),
    }
    roster = context.get("roster")
    if roster is not None:
        base |= {"summary": _summary(roster), "build_label": _build_label(roster)}
    return page(request, "batch.html", base | context, status_code)


async def batch_page(request: Request) -> Response:
    return _view(request)


async def _roster_from(form, programme: str, engine):  # noqa: ANN001, ANN202
    """The uploaded file, or the rows as edited on the page, read by the roster reader."""
    upload = form.get("roster")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_ROSTER + 1)
        if len(raw) > MAX_ROSTER:
            raise PlanError("that roster is larger than 1 MB; split it, or use `handouts batch`")
        name = upload.filename
    else:
        name = str(form.get("roster_name") or "roster.csv")
        columns = tuple(str(c) for c in form.getlist("column"))
        count = int(str(form.get("row_count") or "0") or 0)
        if not columns or count < 1:
            raise PlanError("choose a roster file (.csv or .yaml) first")
        rows = [
            {column: str(form.get(f"r{i}.{column}") or "") for column in columns}
            for i in range(min(count, 5000))
        ]
        raw = rows_to_csv(columns, rows)
        name = f"{name.rsplit('.', 1)[0]}.csv"  # the edited rows travel as CSV
    dates = str(form.get("dates") or "")
    return await run_in_threadpool(read_roster, engine, raw, name, programme, dates)


def _settings(form) -> BatchSettings:  # noqa: ANN001
    layout = str(form.get("layout") or "single")
    if layout not in LAYOUTS:
        raise PlanError("Print file: choose one of the layouts")
    return BatchSettings(
        programme=str(form.get("programme") or ""),
        options=options_from_form(form),
        layout=layout,
        email=bool(form.get("email")),
        dry_run=bool(form.get("dry_run")),
        dates=str(form.get("dates") or ""),
    )


async def batch_check(request: Request) -> Response:
    """Show the roster's rows, each with ✓ or the reason it cannot be built."""
    engine = request.app.state.engine
    form = await checked_form(request)
    fetch = request.headers.get("x-requested-with") == "fetch"
    try:
        settings = _settings(form)
        view, _roster = await _roster_from(form, settings.programme, engine)
    except (PlanError, HandoutsError) as error:
        lines = [str(error)] if isinstance(error, PlanError) else error_text(error)
        if fetch:
            return PlainTextResponse("\n".join(lines), status_code=422)
        return _view(request, 422, messages=lines)
    if fetch:  # the page's script checks edited rows as they are typed
        return JSONResponse(_row_states(view))
    return _view(request, **_kept(settings), roster=view)


def _row_states(view: RosterView) -> dict:
    """What the page's script needs to bring the table's ✓/✗ and the Build button up to date."""
    return {
        "ready": view.ready,
        "total": len(view.rows),
        "rows": [{"reason": row.reason, "email": row.email_problem} for row in view.rows],
        "summary": _summary(view),
        "build": _build_label(view),
    }


def _summary(view: RosterView) -> str:
    total = len(view.rows)
    text = f"{view.ready} of {total} row{'s' if total != 1 else ''} ready."
    if view.ready < total:
        text += " Fix a row below and press “Check again”, or build the ready rows now."
    return text


def _build_label(view: RosterView) -> str:
    return f"Build {view.ready} handout{'s' if view.ready != 1 else ''}"


def _kept(settings: BatchSettings) -> dict:
    return {
        "programme": settings.programme,
        "layout": settings.layout,
        "options": settings.options,
        "email": settings.email,
        "dry_run": settings.dry_run,
        "dates": settings.dates,
    }


async def batch_run(request: Request) -> Response:
    engine = request.app.state.engine
    form = await checked_form(request)
    try:
        settings = _settings(form)
        view, roster = await _roster_from(form, settings.programme, engine)
        job = await run_in_threadpool(
            start_batch, engine, roster, view.name, settings, request.state.sid
        )
    except PlanError as error:
        return _view(request, 422, messages=[str(error)])
    except HandoutsError as error:
        return _view(request, 422, messages=error_text(error))
    job_id = secrets.token_urlsafe(16)
    jobs = request.app.state.jobs
    jobs[job_id] = job
    for old in [key for key, kept in jobs.items() if kept.finished][:-KEPT_JOBS]:
        del jobs[old]  # their rows hold patient names: keep only the last few in memory
    return RedirectResponse(f"/batch/job/{job_id}", status_code=303)


def _job(request: Request) -> tuple[str, BatchJob]:
    job_id = request.path_params["job"]
    job = request.app.state.jobs.get(job_id)
    if job is None or job.owner != request.state.sid:
        raise HTTPException(404, "That batch is not here any more (the server was restarted?).")
    return job_id, job


async def batch_job(request: Request) -> Response:
    job_id, job = _job(request)
    context = {
        "title": "Batch",
        "job": job,
        "job_id": job_id,
        "counts": job_counts(job),
        "files": job_files(job),
    }
    return page(request, "batch_job.html", context)


async def batch_zip(request: Request) -> Response:
    _job_id, job = _job(request)
    files = job_files(job)
    if not files:
        raise HTTPException(404, "No handouts were built in this batch.")
    data = await run_in_threadpool(zip_of, files)
    name = f"{job.out_dir.name}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def batch_print_file(request: Request) -> Response:
    _job_id, job = _job(request)
    combined = job.summary.combined if job.summary is not None else None
    if not combined:
        raise HTTPException(404, "This batch has no print file.")
    return Response(
        combined.read_bytes(),
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{combined.name}"'},
    )


ROUTES = [
    Route("/batch", batch_page, methods=["GET"]),
    Route("/batch/check", batch_check, methods=["POST"]),
    Route("/batch/run", batch_run, methods=["POST"]),
    Route("/batch/job/{job}", batch_job, methods=["GET"]),
    Route("/batch/job/{job}/handouts.zip", batch_zip, methods=["GET"]),
    Route("/batch/job/{job}/print.pdf", batch_print_file, methods=["GET"]),
]
