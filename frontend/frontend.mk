# Dashboard (frontend/): `make install` installs its packages and builds it into frontend/dist,
# which `tunix-rt serve` serves at /. Marker files keep re-runs instant when nothing changed.
FRONTEND := frontend
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/public -type f 2>/dev/null) \
	$(FRONTEND)/index.html $(FRONTEND)/vite.config.ts $(FRONTEND)/tsconfig.json

INSTALL_TARGETS += $(FRONTEND)/node_modules/.installed $(FRONTEND)/dist/.built
TEST_TARGETS += test-frontend

.PHONY: test-frontend frontend-api

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(FRONTEND)/dist/.built: $(FRONTEND)/node_modules/.installed $(FRONTEND_SOURCES)
	cd $(FRONTEND) && npm run --silent build
	@touch $@

# Regenerates the typed API client after a backend API change (commit the result).
frontend-api: $(FRONTEND)/node_modules/.installed $(VENV)/.backend-installed
	cd $(FRONTEND) && npm run --silent gen:api

# The API types must match the backend's live OpenAPI schema; then types and unit tests.
test-frontend: install
	cd $(FRONTEND) && npm run --silent check:api
	cd $(FRONTEND) && npx tsc --noEmit -p .
	cd $(FRONTEND) && npx vitest run
