"""Start the web page: check the host and password, then run uvicorn."""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Sequence
from pathlib import Path

from handouts.web import DEFAULT_HOST, DEFAULT_PORT
from handouts.web.security import (
    allowed_hosts,
    is_loopback,
    read_password,
    require_password_off_loopback,
)


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(
    cwd: Path,
    content_dirs: Sequence[Path] = (),
    config: Path | None = None,
    include_builtin: bool = True,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    extra_hosts: Sequence[str] = (),
    say=print,  # noqa: ANN001 - where the start-up lines go
) -> None:
    """Run until Ctrl+C; ``StartupRefused`` for a network host without a password."""
    import uvicorn

    from handouts.web.app import create_app
    from handouts.web.engine import Engine

    engine = Engine(cwd, content_dirs, config, include_builtin)
    password = read_password(engine.session.workspace_dir)
    require_password_off_loopback(host, password)
    app = create_app(engine, allowed_hosts(host, extra_hosts), password)
    engine.builder()  # load the library and fonts now, so the first preview is quick
    url = url_for(host, port)
    say(f"handouts is running at {url}  (Ctrl+C to stop)")
    if not is_loopback(host):
        say("It is shared on the network: colleagues log in with the password.")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    # access_log off: request lines are not needed, and the page never puts names in URLs.
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
