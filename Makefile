# Duban: `make run` starts the stack, `make test` runs every test. See README.md.
SWIFT ?= swift
BIN = $(shell $(SWIFT) build --show-bin-path)
KEYS ?= deploy/keys

.PHONY: deps build keys run demo test compose-test bench compose-config clean

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

keys: build
	$(BIN)/duban keygen --dir $(KEYS)

run: keys
	@scripts/run-stack.sh "$(BIN)"

demo:
	@scripts/demo.sh

test: deps
	@scripts/ensure-test-deps.sh
	$(SWIFT) build
	$(SWIFT) build --build-tests
	@scripts/check-compose.sh
	DUBAN_BROWSER_PYTHON="$$(scripts/ensure-browser.sh)" DUBAN_BIN_DIR="$(BIN)" DUBAN_REPO="$(CURDIR)" $(SWIFT) test --skip-build
	@scripts/fuzz-api.sh "$(BIN)"

# docker-compose.yml in real containers (podman-compose; no Docker engine needed). See README.
compose-test:
	@scripts/ensure-compose-deps.sh
	@scripts/compose-test.py

bench: deps
	$(SWIFT) build -c release --product duban-bench
	$(SWIFT) build -c release --product intake
	$(SWIFT) build -c release --product duban
	$(SWIFT) build -c release --product reporting
	$(shell $(SWIFT) build -c release --show-bin-path)/duban-bench

clean:
	rm -rf .build var
