"""``python -m handouts``: the same command line as ``handouts``."""

from handouts.cli.app import main

main()
