"""Same results, same bytes: python-pptx stamps the zip's entries with the time of saving, and XlsxWriter
stamps each chart's embedded workbook with the time it was written. Both are replaced with fixed values."""

from __future__ import annotations

import io
import re
import zipfile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
WORKBOOK_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _repacked(data: bytes, rewrite) -> bytes:
    """`data`, a zip, written again entry by entry in the same order with fixed times; `rewrite(name, bytes)`
    gives each entry's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(_entry(info.filename), rewrite(info.filename, source.read(info.filename)))
    return out.getvalue()


def fixed(pptx: bytes, iso_datetime: str) -> bytes:
    """The saved deck with fixed entry times, and each embedded workbook dated `iso_datetime` (W3CDTF)."""
    stamp = iso_datetime.encode()

    def workbook(name: str, data: bytes) -> bytes:
        if name == "docProps/core.xml":
            return WORKBOOK_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
        return data

    def entry(name: str, data: bytes) -> bytes:
        return _repacked(data, workbook) if name.endswith(".xlsx") else data

    return _repacked(pptx, entry)
