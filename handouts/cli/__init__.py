"""cli/: the ``handouts`` command line, a thin front end over the library and builders.

- ``app``: the root command group and its per-run settings; every command registered
- ``error_boundary``: the one place an error becomes its lines and exit code
- ``context``: the run's Session and the library it loads, for every command
- ``options``: click option types, and the handout options as click options, each once
- ``say``: warnings, notes and progress lines, as -q and -v want them
- ``browse``: ``handouts list``, ``show`` and ``figures``
- ``workspace``: ``handouts init`` and ``copy``
- ``check``: ``handouts check``
- ``build``: ``handouts build``
- ``batch``: ``handouts batch``
- ``impose``: ``handouts impose``
- ``send``: ``handouts send``
- ``mail_check``: ``handouts mail-check``, and the same check before e-mail goes out
- ``serve``: ``handouts serve``, the clinic's web page (``handouts.web``)
"""

from handouts.cli.app import main

__all__ = ["main"]
