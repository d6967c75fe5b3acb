# Browser tests (e2e/): Playwright drives Debian's Chromium against a real `tunix-rt serve` on a
# fresh SQLite database (see e2e/global-setup.ts). Playwright's own browser downloads are not used.
E2E := e2e
CHROMIUM ?= /usr/bin/chromium

TEST_TARGETS += test-e2e

.PHONY: test-e2e e2e-chromium

$(E2E)/node_modules/.installed: $(E2E)/package.json $(E2E)/package-lock.json
	cd $(E2E) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Installs Chromium from Debian when it is missing and we may (root); otherwise says what to do.
e2e-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "$(CHROMIUM) is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2; \
	    exit 1; \
	  fi; \
	fi

test-e2e: install $(E2E)/node_modules/.installed e2e-chromium
	cd $(E2E) && CHROMIUM_PATH=$(CHROMIUM) npx playwright test

# The dashboard's screenshots in docs/screenshots, each page at 1440 px and at 390 px, from the
# same specs as `make test-e2e` (SQLite, seeded) and `make test-e2e-trainer` (the real trainer's runs).
.PHONY: screenshots
screenshots: install $(E2E)/node_modules/.installed e2e-chromium
	rm -rf docs/screenshots
	cd $(E2E) && CHROMIUM_PATH=$(CHROMIUM) E2E_TRAINER=1 E2E_SCREENSHOTS_DIR=../docs/screenshots \
	  npx playwright test --project sqlite --project trainer

# The run, rollout, evaluation and compare specs on runs the real trainer makes first (tiny SFT ->
# GRPO on arithmetic, e2e/trainer_runs.py; about 2 minutes more on 2 cores, so not in `make test`).
.PHONY: test-e2e-trainer
test-e2e-trainer: install $(E2E)/node_modules/.installed e2e-chromium
	cd $(E2E) && CHROMIUM_PATH=$(CHROMIUM) E2E_TRAINER=1 npx playwright test --project trainer
