"""The formats of a customer's output and their files' names, in one place: the report, the workbook, the
one-pager and the slides name each other, and releases, the CRM export and the tests find them by these names."""

FORMATS = ("pdf", "html", "xlsx", "onepager", "slides")  # `--format all`; a release holds every one


def report_name(slug: str) -> str:
    """The report's PDF and HTML, without their suffix."""
    return f"{slug}-kafka-tco-assessment"


def workbook_name(slug: str) -> str:
    return f"{slug}-kafka-tco-model.xlsx"


def onepager_name(slug: str) -> str:
    return f"{slug}-kafka-tco-summary.pdf"


def slides_name(slug: str) -> str:
    return f"{slug}-kafka-tco.pptx"
