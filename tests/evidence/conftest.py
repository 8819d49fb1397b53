"""Evidence tests write their documents and packs to a folder of their own."""

from __future__ import annotations

import io

import pytest

from tests.documents.conftest import PDF_BYTES, png_bytes  # noqa: F401


@pytest.fixture(autouse=True)
def documents_root(tmp_path, settings):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    return settings.DOCUMENTS_ROOT


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]
