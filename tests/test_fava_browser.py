"""The web desk in a real browser: Debian's headless Chromium driven by Selenium.

Fava serves a copy of the example on 127.0.0.1; the browser opens the dashboard and a
member page, fills and submits the deposit form (preview, then confirm), and the deposit
is then in the books. Screenshots go to ``build/fava-screenshots/`` (look at them).

``make test`` installs ``chromium`` and ``chromium-driver`` from Debian when missing and
run as root; elsewhere this test is skipped and says why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kopledger import Koperasi

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "mawar" / "buku.beancount"
SHOTS = ROOT / "build" / "fava-screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1400,1800")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
        "`make test` installs them when run as root: apt-get install chromium chromium-driver",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    path = tmp_path / "buku.beancount"
    shutil.copy(EXAMPLE, path)
    yield from _serve(path)


@pytest.fixture
def served_en(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The example with Fava's ``language`` option set to English: the web desk follows it."""
    path = tmp_path / "buku.beancount"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n2016-03-12 custom "fava-option" "language" "en"\n',
                    encoding="utf-8")
    yield from _serve(path)


def _serve(path: Path) -> Iterator[tuple[Path, str]]:
    port = _free_port()
    fava = shutil.which("fava", path=str(Path(sys.executable).parent)) or "fava"
    process = subprocess.Popen(
        [fava, "--host", "127.0.0.1", "--port", str(port), str(path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/koperasi-wanita-mawar-sukabumi/extension/KopLedger/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"fava did not start: {process.stderr.read() if process.stderr else b''!r}") from None
                time.sleep(0.3)
        yield path, base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_dashboard_member_page_and_a_deposit_in_a_real_browser(served: tuple[Path, str], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver: WebDriver = browser  # type: ignore[assignment]
    path, base = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 30)
    before = Koperasi.load(path).member_balance("A0001").sukarela

    driver.get(base + "?tahun=2025")
    wait.until(ec.visibility_of_element_located((By.ID, "anggota")))
    assert "Anggota aktif" in driver.find_element(By.ID, "anggota").text
    assert "Rp36.284.933" in driver.find_element(By.ID, "shu-berjalan").text  # kop shu --tahun 2025
    driver.save_screenshot(str(SHOTS / "dasbor.png"))

    # to the member list and a member page by clicking, as the treasurer would (Fava's router)
    driver.find_element(By.LINK_TEXT, "Anggota").click()
    wait.until(ec.visibility_of_element_located((By.ID, "daftar-anggota")))
    driver.find_element(By.LINK_TEXT, "A0001").click()
    wait.until(ec.visibility_of_element_located((By.ID, "kartu")))
    assert "Siti Nurhaliza" in driver.find_element(By.TAG_NAME, "h2").text
    assert driver.title.startswith("Anggota A0001 - ")
    driver.save_screenshot(str(SHOTS / "anggota.png"))

    # the deposit form, from the member page
    driver.find_element(By.ID, "setor-anggota").click()
    field = wait.until(ec.visibility_of_element_located((By.ID, "isian-jumlah")))
    assert driver.find_element(By.ID, "isian-anggota").get_attribute("value") == "A0001"
    field.send_keys("125000")
    date = driver.find_element(By.ID, "isian-tanggal")
    date.clear()
    date.send_keys("2026-01-06")
    Select(driver.find_element(By.ID, "isian-jenis")).select_by_value("sukarela")
    driver.find_element(By.ID, "isian-bukti").send_keys("KW-BROWSER-1")
    driver.find_element(By.ID, "pratinjau-tombol").click()
    preview = wait.until(ec.visibility_of_element_located((By.ID, "pratinjau")))
    assert "125000 IDR" in preview.text and "KW-BROWSER-1" in preview.text
    driver.save_screenshot(str(SHOTS / "pratinjau.png"))
    assert Koperasi.load(path).member_balance("A0001").sukarela == before  # a preview writes nothing

    driver.find_element(By.ID, "tulis").click()
    done = wait.until(ec.visibility_of_element_located((By.ID, "ditulis")))
    assert "KW-BROWSER-1" in done.text
    driver.save_screenshot(str(SHOTS / "ditulis.png"))

    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.member_balance("A0001").sukarela == before + 125000
    assert any(t.meta.get("bukti") == "KW-BROWSER-1" for t in kop.transactions)

    # Fava reloaded the books: the member page shows the new balance
    driver.find_element(By.PARTIAL_LINK_TEXT, "Halaman anggota").click()
    wait.until(ec.visibility_of_element_located((By.ID, "kartu")))
    from kopledger.present.formatting import rupiah

    wait.until(lambda d: rupiah(before + 125000) in d.find_element(By.ID, "kartu-sukarela").text)
    driver.save_screenshot(str(SHOTS / "anggota-sesudah.png"))


def test_the_english_desk_refuses_bad_input_in_english_in_a_real_browser(
    served_en: tuple[Path, str], browser: object
) -> None:
    """Clumsy input in the English web desk: each field says what is wrong, in English, next to
    the field, and nothing is written; a clean entry then previews in English."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver: WebDriver = browser  # type: ignore[assignment]
    path, base = served_en
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 30)
    before = path.read_bytes()

    driver.get(base + "anggota?id=A0001")
    wait.until(ec.visibility_of_element_located((By.ID, "kartu")))
    assert driver.title.startswith("Member A0001 - ")
    driver.find_element(By.ID, "setor-anggota").click()
    field = wait.until(ec.visibility_of_element_located((By.ID, "isian-jumlah")))
    field.send_keys("50.000")  # a thousands separator, as on paper
    driver.find_element(By.ID, "isian-bukti").send_keys('KW"1')
    driver.find_element(By.ID, "pratinjau-tombol").click()
    amount = wait.until(ec.visibility_of_element_located((By.ID, "salah-jumlah")))
    assert amount.text == "amount '50.000': write whole rupiah without dots or commas, for example 50000"
    assert driver.title.startswith("Savings deposit - ")  # the page's title too (Fava's header, the tab)
    assert driver.find_element(By.ID, "salah-bukti").text.startswith("bukti must not contain quotes")
    driver.save_screenshot(str(SHOTS / "en-salah.png"))
    assert path.read_bytes() == before  # nothing written

    field = driver.find_element(By.ID, "isian-jumlah")
    field.clear()
    field.send_keys("5000")
    bukti = driver.find_element(By.ID, "isian-bukti")
    bukti.clear()
    driver.find_element(By.ID, "pratinjau-tombol").click()
    preview = wait.until(ec.visibility_of_element_located((By.ID, "pratinjau")))
    assert "deposit to simpanan sukarela of A0001" in preview.text and "5000 IDR" in preview.text
    driver.save_screenshot(str(SHOTS / "en-pratinjau.png"))
    assert path.read_bytes() == before  # a preview writes nothing


def test_a_double_click_and_a_reload_write_once_in_a_real_browser(served: tuple[Path, str], browser: object) -> None:
    """The treasurer double-clicks "write" on a deposit with no bukti, then reloads the page she
    lands on, then goes Back and sends the form again: one deposit in the books."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver: WebDriver = browser  # type: ignore[assignment]
    path, base = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 30)
    before = Koperasi.load(path).member_balance("A0002").sukarela

    driver.get(base + "setor?anggota=A0002")
    field = wait.until(ec.visibility_of_element_located((By.ID, "isian-jumlah")))
    field.send_keys("40000")
    date = driver.find_element(By.ID, "isian-tanggal")
    date.clear()
    date.send_keys("2026-01-07")
    Select(driver.find_element(By.ID, "isian-jenis")).select_by_value("sukarela")
    driver.find_element(By.ID, "pratinjau-tombol").click()
    wait.until(ec.visibility_of_element_located((By.ID, "pratinjau")))
    form_url = driver.current_url

    ActionChains(driver).double_click(driver.find_element(By.ID, "tulis")).perform()
    done = wait.until(ec.visibility_of_element_located((By.ID, "ditulis")))
    assert "40000 IDR" in done.text
    assert "ditulis=" in driver.current_url and driver.current_url != form_url  # Post/Redirect/Get
    driver.refresh()  # a GET: nothing is sent again
    wait.until(ec.visibility_of_element_located((By.ID, "ditulis")))
    driver.save_screenshot(str(SHOTS / "dua-klik.png"))
    # Back to the preview page and write again: told so, not written
    driver.back()
    driver.find_element(By.ID, "tulis").click()
    wait.until(ec.visibility_of_element_located((By.ID, "ulang")))

    kop = Koperasi.load(path)
    assert kop.errors == []
    assert kop.member_balance("A0002").sukarela == before + 40000
    assert sum(1 for t in kop.transactions if t.date.isoformat() == "2026-01-07" and t.meta.get("anggota") == "A0002") == 1
