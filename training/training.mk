# training/: the Tunix SFT/eval package, installed into the same .venv (included by the Makefile).
# `make install` adds it (JAX, Tunix, and PyTorch's CPU build for the tests that compare with
# transformers: ~2.5 GB, a few minutes the first time); `make test` runs
# its suite after the backend's.
INSTALL_TARGETS += $(VENV)/.training-installed
TEST_TARGETS += test-training

.PHONY: test-training lint-training train-smoke

# Re-installs only when a pyproject changes (the backend's too: contracts come from there).
$(VENV)/.training-installed: $(VENV)/.backend-installed training/pyproject.toml
	$(BIN)/pip install --quiet -e "training[test]"
	@touch $@

lint-training: install
	$(BIN)/ruff check training
	$(BIN)/ruff format --check training
	cd training && ../$(BIN)/mypy tunix_rt_training tests benchmarks *.py

test-training: lint-training
	cd training && ../$(BIN)/pytest -q

# The tiny config end to end on CPU (what the nightly smoke workflow runs, longer).
train-smoke: install
	$(BIN)/tunix-rt-train sft training/configs/sft_tiny.yaml output.dir=artifacts/training_runs/smoke
