"""``python -m cli``: the ``intersessional`` command."""

from cli.app import main

main()
