"""The RAT pack as PDF (WeasyPrint): the document's text carries the same figures."""

from __future__ import annotations

from io import BytesIO

import pytest

from kopledger import Koperasi
from kopledger.present import formatting
from kopledger.present.rat import render_rat
from kopledger.reports.rat import build_rat
from tests.conftest import ledger_text
from tests.test_rat import BODY


@pytest.fixture(scope="module")
def pack():
    kop = Koperasi.from_string(ledger_text(BODY))
    assert kop.errors == []
    return build_rat(kop, 2025)


@pytest.mark.slow
def test_pdf(pack):
    from pypdf import PdfReader

    pdf = render_rat(pack, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "KOPERASI WANITA UJI SEJAHTERA" in text.upper()
    assert formatting.rupiah(pack.shu.shu) in text
    for member in pack.shu.anggota:
        assert formatting.rupiah(member.jumlah) in text
    assert "Laporan Pertanggungjawaban Pengurus" in reader.pages[0].extract_text()
    # Cover, contents, foreword, membership, five statements, SHU, savings, indicators, approval.
    assert len(reader.pages) >= 10
