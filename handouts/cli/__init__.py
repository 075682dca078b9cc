"""cli/: the ``handouts`` command line, a thin front end over the library and builders.

- ``app``: the root command group, per-run settings and the error boundary;
  ``list``, ``show``, ``check`` and ``init``
- ``build``: ``handouts build`` and the options it shares with ``batch``
- ``batch``: ``handouts batch``, ``impose`` and ``send``
- ``serve``: ``handouts serve``, the clinic's web page (``handouts.web``)
"""

from handouts.cli.app import main

__all__ = ["main"]
