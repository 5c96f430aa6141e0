"""The `peerwell` command: Django's management commands, with hyphens allowed in names.

`peerwell migrate`, `peerwell demo`, `peerwell seed-demo`, `peerwell audit verify`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwell.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
