"""``handouts serve``: the clinic's own web page over the same engine the CLI uses.

app (Starlette, middleware, error pages) · routes (build page) · routes_batch (batch
page) · security (hosts, sessions, CSRF, limits) · plan (the form's data) · engine
(the one adapter into the engine) · server (uvicorn start-up) · templates/ · static/
"""
