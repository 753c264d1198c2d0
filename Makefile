# kopledger — two commands do everything on a fresh machine:
#   make demo   creates .venv, installs kopledger, builds the RAT pack of the example koperasi
#   make test   creates .venv if needed, installs with test extras, runs lint and the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/mawar/buku.beancount
OUT    := build

.PHONY: demo test lint typecheck sysdeps chromium screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[pdf]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# WeasyPrint (PDF) needs Pango; install it from Debian's packages when missing and we are root.
sysdeps:
	@if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else echo "PDF output needs Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0); HTML works without it."; fi; \
	fi

# The web desk's real-browser test (tests/test_fava_browser.py) drives Debian's Chromium through
# chromedriver; install both when missing and we are root (elsewhere the test says why it skips).
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "The browser test needs chromium and chromium-driver (apt-get install chromium chromium-driver); it is skipped."; fi; \
	fi

demo: $(VENV)/.installed sysdeps
	@mkdir -p $(OUT)
	$(BIN)/kop cek $(EXAMPLE)
	$(BIN)/kop rat $(EXAMPLE) --tahun 2025 --out $(OUT)/rat-2025.html --slip $(OUT)/slip-shu-2025.html
	@$(BIN)/kop rat $(EXAMPLE) --tahun 2025 --out $(OUT)/rat-2025.pdf --diam \
	  || echo "PDF tidak dibuat (WeasyPrint/Pango tidak tersedia); versi HTML tetap ada."
	@echo
	@echo "Paket RAT 2025 Koperasi Wanita Mawar Sukabumi:"
	@echo "  $(CURDIR)/$(OUT)/rat-2025.html"
	@test -f $(OUT)/rat-2025.pdf && echo "  $(CURDIR)/$(OUT)/rat-2025.pdf" || true
	@echo "  $(CURDIR)/$(OUT)/slip-shu-2025.html (slip SHU per anggota)"

test: $(VENV)/.installed-test sysdeps chromium
	$(BIN)/ruff check kopledger tests examples benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy
	$(BIN)/lint-imports

# Screenshots of the HTML reports in Debian's headless Chromium (see docs/screenshots.md).
screenshots: demo
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(BIN)/python scripts/screenshots.py $(OUT)

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache
