"""The brand page: the clinic's name, logo, colours, font, contact lines and disclaimer.

A preview shows page one in the draft brand, with the contrast warning a build
gives; saving checks the brand as `handouts check` does, then writes the workspace's
brand file.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from handouts.errors import HandoutsError
from handouts.web import engine_brand
from handouts.web.app import checked_form, page
from handouts.web.engine import error_text
from handouts.web.engine_brand import BrandFields, Upload


def _view(
    request: Request,
    fields: BrandFields | None = None,
    messages: list[str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    engine = request.app.state.engine
    saved, logo = engine_brand.current(engine)
    target = engine_brand.brand_file(engine)
    context = {
        "title": "Brand",
        "brand": fields or saved,
        "has_logo": logo is not None and logo.is_file(),
        "fonts": engine_brand.font_families(engine),
        "target": target,
        "demo_brand": engine.uses_demo_brand(),
        "messages": messages or [],
        "notice": notice,
    }
    return page(request, "brand.html", context, status_code)


async def brand_page(request: Request) -> Response:
    return _view(request)


async def _read(request: Request) -> tuple[BrandFields, Upload | None]:
    form = await checked_form(request)
    upload = form.get("logo_file")
    data = await upload.read(engine_brand.MAX_LOGO + 1) if isinstance(upload, UploadFile) else b""
    paper = str(form.get("paper") or "a4")
    fields = BrandFields(
        name=str(form.get("name") or "").strip(),
        primary=str(form.get("primary") or "").strip(),
        accent=str(form.get("accent") or "").strip(),
        font=str(form.get("font") or "").strip(),
        contact=[line.strip() for line in str(form.get("contact") or "").splitlines()][:8],
        website=str(form.get("website") or "").strip(),
        disclaimer=" ".join(str(form.get("disclaimer") or "").split()),
        paper=paper if paper in ("a4", "letter") else "a4",
        logo="" if form.get("remove_logo") else str(form.get("logo") or ""),
    )
    return fields, engine_brand.read_logo(data)


async def brand_preview(request: Request) -> Response:
    engine = request.app.state.engine
    try:
        fields, upload = await _read(request)
        pdf, warnings = await run_in_threadpool(engine_brand.preview, engine, fields, upload)
    except HandoutsError as error:
        text = "\n".join(error_text(error))
        if request.headers.get("x-requested-with") == "fetch":
            return Response(text, status_code=422, media_type="text/plain")
        raise HTTPException(422, text) from None
    headers = {"content-disposition": 'inline; filename="page-one.pdf"'}
    if warnings:
        headers["x-handout-notes"] = quote("\n".join(warnings))
    return Response(pdf, media_type="application/pdf", headers=headers)


async def brand_save(request: Request) -> Response:
    engine = request.app.state.engine
    try:
        fields, upload = await _read(request)
    except HandoutsError as error:
        return _view(request, messages=error_text(error), status_code=422)
    try:
        path = await run_in_threadpool(engine_brand.save, engine, fields, upload)
    except HandoutsError as error:
        return _view(request, fields, error_text(error), status_code=422)
    return _view(request, notice=f"Saved to {path.name}; every handout now carries it.")


async def brand_logo(request: Request) -> Response:
    _fields, logo = engine_brand.current(request.app.state.engine)
    if logo is None or not logo.is_file() or logo.suffix.lower() not in engine_brand.SHOWN:
        raise HTTPException(404, "This brand has no logo.")
    return FileResponse(logo, media_type=engine_brand.SHOWN[logo.suffix.lower()])


ROUTES = [
    Route("/brand", brand_page, methods=["GET"]),
    Route("/brand/preview", brand_preview, methods=["POST"]),
    Route("/brand/save", brand_save, methods=["POST"]),
    Route("/brand/logo", brand_logo, methods=["GET"]),
]
