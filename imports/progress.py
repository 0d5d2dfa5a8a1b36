"""Live progress of a running import (pcnhub.progress): the import writes inside one
transaction that other connections cannot see into until it commits."""

from pcnhub.progress import Progress

# Rough share of a run's time each stage takes, so one bar covers the whole run.
IMPORTS = Progress(
    "import-progress",
    {
        "reading": (0, 15),
        "organisations": (15, 35),
        "relationships": (35, 55),
        "list sizes": (55, 100),
        "QOF registers": (55, 100),
    },
)
report = IMPORTS.report
read = IMPORTS.read
