"""``python -m aiattest.cli``: the same as the ``aiattest`` script."""

from aiattest.cli.app import main

main()
