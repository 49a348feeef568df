"""``python -m aiattest.cli``: the same as the ``aiattest`` script."""

from aiattest.cli.app import main

if __name__ == "__main__":  # not when multiprocessing's spawn re-imports this module
    main()
