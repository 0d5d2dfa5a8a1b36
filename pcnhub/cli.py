"""The `pcnhub` console command: Django's management commands under one product name.

`pcnhub import FILE`, `pcnhub fetch-nhs-data`, `pcnhub runserver` ... Hyphenated names map to
the management commands with underscores; `import` maps to `import_file` (a Python keyword
cannot name a module cleanly).
"""

import os
import sys

ALIASES = {"import": "import_file"}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = ALIASES.get(argv[1], argv[1].replace("-", "_"))
    argv[0] = "pcnhub"
    execute_from_command_line(argv)
    return 0
