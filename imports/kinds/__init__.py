"""The file kinds PCN Hub imports, and recognising which one a file is from its header."""

from imports.kinds import epcn, epraccur, patients, populations, qof
from imports.problems import Problems
from imports.source import SourceFile

# Order matters only where signatures nest: five-year bands before single years.
IMPORTERS = [
    epraccur.Epraccur,
    epcn.Workbook,
    epcn.DetailsCsv,
    epcn.PartnersCsv,
    patients.PracticeMap,
    patients.PracticeTotals,
    patients.QuinaryAge,
    patients.SingleYearAge,
    qof.Prevalence,
    qof.GeographyMapping,
    qof.Indicators,
    qof.MaximumPoints,
    qof.ValidationOutcomes,
    populations.Plain,
    populations.PaymentsToGp,
    populations.DesPopulations,
]
BY_KIND = {importer.KIND: importer for importer in IMPORTERS}
KIND_CHOICES = [(importer.KIND, importer.LABEL) for importer in IMPORTERS]


def detect(source: SourceFile, problems: Problems):
    """The importer for this file, or None with a problem saying what was recognised."""
    for importer in IMPORTERS:
        if importer.detect(source):
            return importer
    problems.add(
        1,
        None,
        source.first_line()[:80],
        "a known NHS file: " + ", ".join(kind for kind, _ in KIND_CHOICES),
    )
    return None


def recognised(path) -> bool:
    """Whether some importer would take this file (used to sort downloaded bundles)."""
    from pathlib import Path

    source = SourceFile.from_path(Path(path))
    return any(importer.detect(source) for importer in IMPORTERS)
