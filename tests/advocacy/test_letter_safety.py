"""Letters cannot reach outside the project: WeasyPrint's fetcher takes only the project's
static files, and a letter template that would fail when a letter is made is refused at save."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from advocacy import letters
from advocacy.models import LetterTemplate


@pytest.fixture
def loopback_server():
    """A web server on 127.0.0.1 that counts the requests it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_file_url_or_a_loopback_url_in_the_html_is_not_fetched(loopback_server, tmp_path):
    base, hits = loopback_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<img src="{base}/pixel.png"><img src="{secret.as_uri()}">'
        '<img src="file:///etc/hostname"><p>Letter</p>'
    )
    pdf = letters.html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []


def test_the_fetcher_refuses_everything_but_the_static_files(tmp_path):
    fetcher = letters.static_only_fetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.png",
        (tmp_path / "x").as_uri(),
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher(url)
    css = Path(settings.STATICFILES_DIRS[0]) / "haven.css"
    response = fetcher(css.resolve().as_uri())
    assert response.read() == css.read_bytes()
    response.close()
    # A path that climbs out of the static folder is judged where it lands.
    with pytest.raises(ValueError):
        fetcher(css.resolve().as_uri().replace("haven.css", "../pyproject.toml"))


@pytest.mark.django_db
def test_a_template_that_compiles_but_fails_when_rendered_is_refused_at_save():
    template = LetterTemplate(
        language="en",
        name="bad",
        subject="Re: {{ reference }}",
        body='{{ summary|wordwrap:"wide" }}',
    )
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "fails when a letter is made" in str(refused.value)


@pytest.mark.django_db
def test_a_template_that_renders_is_accepted():
    LetterTemplate(
        language="en",
        name="good",
        subject="Re: {{ reference }}",
        body="{{ recipient.salutation }},\n\n{% for a in asks %}{{ a }}\n{% endfor %}"
        "{{ summary|wordwrap:70 }}",
    ).full_clean()


def test_the_admin_form_shows_the_trial_render_error(admin_user, client_for):
    from django.urls import reverse

    response = client_for(admin_user).post(
        reverse("admin:advocacy_lettertemplate_add"),
        {
            "language": "en",
            "name": "bad",
            "subject": "x",
            "body": '{{ summary|wordwrap:"wide" }}',
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "fails when a letter is made" in response.content.decode()
    assert not LetterTemplate.objects.filter(name="bad").exists()
