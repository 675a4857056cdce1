# fazhi-kg: one command for the demo, one for the tests; both set up .venv/ on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-1m bench-legislation serve figures fonts browser site clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,plot]'
	touch $(STAMP)

# Byte-compiled once here: an editable install has no .pyc, and with PYTHONDONTWRITEBYTECODE set every kg command
# would compile its modules from source at start-up (about 0.05-0.1 s of CPU each time).
demo: $(STAMP) fonts
	$(BIN)/python -m compileall -q kg
	$(BIN)/kg build
	$(BIN)/kg validate --timeout 1800
	$(BIN)/kg stats

# The suite runs on every core (pytest-xdist, at most 4 workers): 14 min on one core here, 7.5 on two.
test: $(STAMP) fonts browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# About 10k and 100k triples (synthetic) and the bundled dataset; bench/run.py says what each size holds.
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes 10k,100k,bundled

# About 1M triples as well: long (tens of minutes), kept out of CI.
bench-1m: $(STAMP)
	$(BIN)/python bench/run.py --sizes 10k,100k,bundled,1m

# The nationwide dataset (~830k triples, built by `make demo`): build, validate, stats, every named query and the
# diffusion analysis, each next to its plain rdflib/pyshacl baseline with the same settings. Long (15-30 min,
# several GB for the rdflib baselines), so kept out of `make bench`; baselines past 120 s show as >120.
bench-legislation: $(STAMP)
	test -f dist/dataset.nt || $(BIN)/kg build
	$(BIN)/python bench/legislation_bench.py --dist dist --baseline-limit 120

# Oxigraph's SPARQL server on the built dataset, read-only, on http://127.0.0.1:7878/query (Ctrl-C stops it).
serve: $(STAMP)
	$(BIN)/kg serve

figures: $(STAMP) fonts
	$(BIN)/kg analyze plot --out docs/figures

# Chinese labels in figures need a CJK font: Debian's fonts-wqy-microhei (installed when we may; else a hint).
fonts:
	@if fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
	  || echo "warning: could not install fonts-wqy-microhei; figures will lack Chinese glyphs"; \
	else echo "hint: install the Debian package fonts-wqy-microhei for Chinese labels in figures"; fi

# The static site of the dataset (kg publish): site/ holds pages, per-entity RDF and the downloads.
site: $(STAMP)
	$(BIN)/kg build
	$(BIN)/kg publish --out site

# The browser and content-negotiation tests drive Debian's headless Chromium, nginx and Apache, and the JSON-LD test
# Apache Jena's riot (installed when we may; else the tests say why they skip).
BROWSER_PACKAGES := chromium nginx-light apache2-bin libapache-jena-java default-jre-headless
browser:
	@if command -v chromium >/dev/null && [ -x /usr/sbin/nginx ] && [ -x /usr/sbin/apache2 ] \
	  && command -v java >/dev/null && [ -f /usr/share/java/jena-arq.jar ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null) \
	  || echo "warning: could not install $(BROWSER_PACKAGES); the browser, web-server and riot tests will skip"; \
	else echo "hint: install the Debian packages $(BROWSER_PACKAGES) for the browser, web-server and riot tests"; fi

clean:
	rm -rf dist dist.store site test-output bench/out .pytest_cache .ruff_cache
