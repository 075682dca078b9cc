"""``handouts serve``: the clinic's own web page over the same engine the CLI uses.

app (Starlette, middleware, error pages) · routes (build page) · routes_batch (batch
page) · security (hosts, sessions, CSRF, limits) · plan (the form's data) · engine
(the one adapter into the engine) · server (uvicorn start-up) · templates/ · static/
"""

# Where the page listens unless told otherwise (``handouts serve --host/--port``).
DEFAULT_HOST = "127.0.0.1"  # this computer only: anything else needs a password
DEFAULT_PORT = 8765
