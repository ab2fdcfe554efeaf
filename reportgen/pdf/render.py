"""HTML (Jinja2) and PDF (WeasyPrint) rendering, to bytes; nothing here writes a file.

The renderer has no ambient authority: one allow-list URL fetcher serves the theme's files, the
customer's logo under inputs/ and this run's charts from memory, and refuses everything else
(network, other files, `..`). WeasyPrint logs problems instead of raising them, so a handler on
its logger collects every warning and error and the render fails with them.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError, pass_context

from reportgen.pdf import workarounds
from reportgen.report import filters
from reportgen.problems import ReportgenError

MAX_ASSET_BYTES = 24 * 1024 * 1024  # the CJK fallback font is 16 MB
# --pdf-standard: the standard the PDF declares, as WeasyPrint's variant; both standards tag the PDF (a structure
# tree in reading order, alternative text, table headers, language, title). README, "Accessible and archival".
STANDARDS = {"ua-1": "pdf/ua-1", "a-3a": "pdf/a-3a", "none": None}
DEFAULT_STANDARD = "ua-1"
MIME = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf", ".png": "image/png",
        ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".json": "application/json", ".woff2": "font/woff2"}


@cache
def environment(templates: Path, compiled: Path | None = None) -> Environment:
    """The report's Jinja environment; `compiled` keeps compiled templates between runs (a tenth of a
    second per run), each checked against its source before use."""
    bytecode_cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        bytecode_cache = FileSystemBytecodeCache(str(compiled))
    env = Environment(loader=FileSystemLoader(templates), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=bytecode_cache)
    for name, function in filters.FILTERS.items():
        if name in filters.CURRENCY_FILTERS:
            env.filters[name] = pass_context(lambda context, value, f=function: f(value, context["currency"]))
        else:
            env.filters[name] = function
    return env


def render_html(templates: Path, view: dict, compiled: Path | None = None) -> str:
    try:
        return environment(templates, compiled).get_template("report/report.html.j2").render(view)
    except TemplateError as exc:
        raise ReportgenError(f"the report template failed: {exc}") from exc


class RefusedURL(ReportgenError):
    """A document asked for a resource outside the allow-list."""


@dataclass(frozen=True)
class Site:
    """What a document may load: a virtual folder of mounted real folders and in-memory files.

    `base` is the URL relative links resolve against; `mounts` maps a URL prefix ("theme/") to a
    real folder inside one of `roots`; `memory` maps a relative URL ("charts/x.svg") to bytes.
    """
    base: str
    roots: tuple[Path, ...]
    mounts: dict[str, Path]
    memory: Mapping[str, bytes]

    def relative(self, url: str) -> str:
        if not url.startswith(self.base):
            raise RefusedURL(f"refused to load {url!r}: only the report's own files may be loaded")
        if urlsplit(url).query:
            raise RefusedURL(f"refused to load {url!r}: query strings are not allowed")
        relative = unquote(url[len(self.base):].split("#")[0])
        if any(segment in ("..", ".") for segment in relative.replace("\\", "/").split("/")) or "\0" in relative:
            raise RefusedURL(f"refused to load {url!r}: the path leaves the report's folders")
        return relative

    def read(self, url: str) -> tuple[bytes, str]:
        relative = self.relative(url)
        if relative in self.memory:
            return self.memory[relative], _mime(relative)
        for prefix, folder in self.mounts.items():
            if relative.startswith(prefix):
                return self._file(folder, relative[len(prefix):], url), _mime(relative)
        raise RefusedURL(f"refused to load {url!r}: not one of the report's files")

    def _file(self, folder: Path, name: str, url: str) -> bytes:
        path = (folder / name).resolve()
        if not any(os.path.commonpath([path, root]) == str(root) for root in self.roots) or \
                os.path.commonpath([path, folder.resolve()]) != str(folder.resolve()):
            raise RefusedURL(f"refused to load {url!r}: it resolves outside the allowed folders")
        if not path.is_file():
            raise RefusedURL(f"cannot load {url!r}: {path} is not a file")
        if path.stat().st_size > MAX_ASSET_BYTES:
            raise RefusedURL(f"refused to load {url!r}: larger than {MAX_ASSET_BYTES // 1024 // 1024} MB")
        return path.read_bytes()


def _mime(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in MIME:
        raise RefusedURL(f"refused to load {name!r}: not a stylesheet, font or image")
    return MIME[suffix]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def check_standard(pdf_standard: str) -> str:
    if pdf_standard not in STANDARDS:
        raise ReportgenError(f"unknown PDF standard {pdf_standard!r}; choose one of {', '.join(STANDARDS)} "
                             f"(ua-1, accessible, is the default; a-3a is archival and accessible; none is neither)")
    return pdf_standard


def render_pdf(html: str, site: Site, metadata_date: datetime, attachment: tuple[str, bytes],
               before_painting: Callable[[], object] = lambda: None, stylesheets: Sequence[str] = (),
               pdf_standard: str = DEFAULT_STANDARD) -> bytes:
    """The PDF of `html`, every resource through `site`; any WeasyPrint warning is fatal. This is reportgen's
    one way to a PDF: WeasyPrint is used here, with the workarounds of workarounds.py.

    `stylesheets` are the document's stylesheets (URLs under the site's base) in cascade order, which the
    PDF gets with their custom properties written in place. `before_painting` runs once the pages are laid
    out, before they are drawn: a report waits there for charts still being drawn, so that their errors
    come as they are, not as images that failed. `pdf_standard` is one of STANDARDS.
    """
    variant = STANDARDS[check_standard(pdf_standard)]

    def finish(document, fetcher) -> bytes:
        before_painting()
        return _write_pdf(document, fetcher, site, metadata_date, attachment, variant)

    return render_document(html, site, finish, stylesheets)


def _write_pdf(document, fetcher, site: Site, metadata_date: datetime, attachment: tuple[str, bytes],
               variant: str | None) -> bytes:
    from weasyprint import Attachment
    name, data = attachment
    embedded = Attachment(string=data, base_url=site.base, url_fetcher=fetcher, name=name,
                          description="The assessment this report was computed from",
                          created=metadata_date, modified=metadata_date, relationship="Source")
    return document.write_pdf(attachments=[embedded], pdf_identifier=b"reportgen", pdf_variant=variant,
                              finisher=workarounds.finish)


def import_weasyprint() -> None:
    """Import WeasyPrint, with the workarounds of its import and of its modules (workarounds.py)."""
    if "weasyprint" not in sys.modules:
        workarounds.import_weasyprint(lambda: importlib.import_module("weasyprint"))
    workarounds.patch_weasyprint()


def render_document(html: str, site: Site, finish=lambda document, fetcher: document, stylesheets: Sequence[str] = ()):
    """Lay out `html` (a WeasyPrint Document) and apply `finish` to it, under the allow-list and the log check."""
    import_weasyprint()
    with workarounds.rendering(site, stylesheets) as rendered:
        return _render_document(html, rendered, finish)


def _render_document(html: str, site: Site, finish):
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    refused: list[str] = []

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            try:
                body, mime = site.read(url)
            except RefusedURL as exc:
                refused.append(str(exc))
                raise
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    fetcher = Fetcher(fail_on_errors=True, allow_redirects=False)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = HTML(string=html, base_url=site.base, url_fetcher=fetcher).render(font_config=FontConfiguration())
        finished = finish(document, fetcher)
    except FatalURLFetchingError as exc:  # a BaseException: `except Exception` would miss it
        refused = refused or [f"a resource could not be loaded: {exc}"]
    finally:
        logger.removeHandler(handler)
    if refused or handler.messages:  # a refusal inside an SVG is only logged: name the refusal first
        raise ReportgenError("the PDF renderer reported problems:\n  " + "\n  ".join(dict.fromkeys(refused + handler.messages)))
    return finished


def metadata_date(assessment_date: str) -> datetime:
    """The PDF's creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the assessment's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.fromisoformat(assessment_date).replace(tzinfo=timezone.utc)

