"""The renderer has no ambient authority: no network, no file outside the allow-list.

A real HTTP server on a loopback port serves a PNG; every way a document can ask for a
resource points at it, and the server must never be contacted.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reportgen.build.pipeline import validate
from reportgen.problems import ReportgenError
from reportgen.pdf.render import RefusedURL, Site, render_pdf
from tests.conftest import variant

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def server():
    """A loopback HTTP server that records every request it receives."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(tmp_path) -> Site:
    templates = tmp_path / "project" / "templates"
    templates.mkdir(parents=True)
    (templates / "a.css").write_text("p {}")
    (tmp_path / "secret.css").write_text("p { color: red }")
    (templates / "escape.css").symlink_to(tmp_path / "secret.css")
    return Site(base="file:///out/", roots=(templates.resolve(),), mounts={"style/": templates},
                memory={"charts/x.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"})


def test_the_server_fixture_answers(server):
    """The control: the server really serves, so a zero count below means nothing asked."""
    from urllib.request import urlopen
    url, requests = server
    assert urlopen(f"{url}/x.png").read() == PNG
    assert requests == ["/x.png"]


def hostile_documents(url: str) -> dict[str, str]:
    return {
        "img": f'<img src="{url}/x.png">',
        "css url()": f'<p style="background: url({url}/x.png)">x</p>',
        "stylesheet": f'<link rel="stylesheet" href="{url}/a.css"><p>x</p>',
        "@import": f'<style>@import url("{url}/a.css");</style><p>x</p>',
        "@font-face": f'<style>@font-face {{ font-family: X; src: url({url}/x.ttf) }} p {{ font-family: X }}</style><p>x</p>',
        "attachment": f'<link rel="attachment" href="{url}/x.png"><p>x</p>',
        "anchor attachment": f'<a rel="attachment" href="{url}/x.png">x</a>',
        "object": f'<object data="{url}/x.png" type="image/png"></object>',
        "svg image": f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{url}/x.png" width="10" height="10"/></svg>',
    }


@pytest.mark.parametrize("kind", list(hostile_documents("")))
def test_the_pdf_renderer_never_contacts_the_network(server, site, kind):
    url, requests = server
    with pytest.raises(ReportgenError, match=f"refused to load '{url}"):
        render_pdf(hostile_documents(url)[kind], site, WHEN, ("a.json", b"{}"))
    assert requests == []


@pytest.mark.parametrize("html, why", [
    ('<img src="file:///etc/passwd">', "only the report's own files"),
    ('<link rel="attachment" href="file:///etc/passwd"><p>x</p>', "only the report's own files"),
    ('<link rel="stylesheet" href="style/../../secret.css"><p>x</p>', "only the report's own files"),
    ('<link rel="stylesheet" href="style/%2e%2e/secret.css"><p>x</p>', "leaves the report's folders"),
    ('<link rel="stylesheet" href="style/%2E%2E%2Fsecret.css"><p>x</p>', "leaves the report's folders"),
    ('<link rel="stylesheet" href="style/escape.css"><p>x</p>', "resolves outside the allowed folders"),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', "only the report's own files"),
])
def test_the_pdf_renderer_discloses_no_file(site, html, why):
    with pytest.raises(ReportgenError, match=why):
        render_pdf(html, site, WHEN, ("a.json", b"{}"))


def test_a_symlink_out_of_the_folders_is_refused(site):
    assert site.read("file:///out/style/a.css") == (b"p {}", "text/css")
    with pytest.raises(RefusedURL, match="outside the allowed folders"):
        site.read("file:///out/style/escape.css")


def test_an_allowed_document_still_renders(site):
    """The control for the refusals above: the same renderer does load allow-listed files."""
    pdf = render_pdf('<link rel="stylesheet" href="style/a.css"><img src="charts/x.svg"><p>x</p>', site, WHEN,
                     ("a.json", b"{}"), pdf_standard="none")  # a fragment: no language or alt text to tag
    assert pdf.startswith(b"%PDF")


def test_a_logo_url_fails_validation_without_a_request(server, tmp_project):
    url, requests = server
    data = variant("acme", **{"customer.logo": f"{url}/x.png"})
    tmp_project.write(data)
    with pytest.raises(ReportgenError, match="is a URL"):
        validate(tmp_project.project, "acme")
    assert requests == []
