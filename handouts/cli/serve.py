"""``handouts serve``: the clinic's web page, on this computer by default."""

from __future__ import annotations

import click

from handouts.errors import UsageProblem
from handouts.web import DEFAULT_HOST, DEFAULT_PORT


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on. Any other than this computer's needs a password "
    "(HANDOUTS_SERVE_PASSWORD, or serve-password.txt beside handouts.yaml).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name colleagues use to reach this computer (repeatable).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@click.pass_obj
def serve(app, port: int, host: str, allow_hosts: tuple[str, ...], open_browser: bool) -> None:  # noqa: ANN001
    """Run the web page: pick, personalise, preview and print handouts.

    Uses the same handouts.yaml, brand and content folders as the other commands.
    """
    from handouts.web.security import StartupRefused
    from handouts.web.server import serve as run

    try:
        run(
            app.cwd,
            app.content_dirs,
            config=app.config,
            include_builtin=app.include_builtin,
            host=host,
            port=port,
            open_browser=open_browser,
            extra_hosts=allow_hosts,
            say=click.echo,
        )
    except StartupRefused as error:
        raise UsageProblem(str(error)) from None  # --host without a password
