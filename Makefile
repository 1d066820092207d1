# Developer tasks. CI runs .ci/run, which calls the same commands; `make help` lists the targets.
GO         ?= go
SCHEMA     ?= $(abspath ../shared/airbyte-protocol/airbyte_protocol.json)
FUZZTIME   ?= 10s
GOLANGCI   ?= golangci-lint
STATICCHECK ?= staticcheck
export AIRBYTE_PROTOCOL_SCHEMA ?= $(SCHEMA)

.PHONY: help build test test-short test-race lint fuzz bench bench-sync demo golden images clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

build: ## build both connectors into bin/
	$(GO) build -o bin/ ./source-hubspot ./destination-insider

test: ## every test (the README's test command), schema checks included when ../shared is there
	$(GO) test ./...

test-short: ## skips the tests that build or run the real binaries and the unit tests that take seconds
	$(GO) test -short ./...

test-race: ## what CI runs: every test with the race detector, in shuffled order
	$(GO) test -race -shuffle=on -timeout 20m ./...

lint: ## gofmt, go vet, go mod tidy -diff, golangci-lint (.golangci.yml) and staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./... ./.ci/tools/...
	$(GO) mod tidy -diff
	$(GOLANGCI) run ./... ./.ci/tools/...
	$(STATICCHECK) ./... ./.ci/tools/...

fuzz: ## run every fuzz target for FUZZTIME each (default 10s); .ci/fuzz says how it fails
	FUZZTIME=$(FUZZTIME) GO=$(GO) .ci/fuzz

bench: ## Go benchmarks of the hot paths
	$(GO) test -run '^$$' -bench . -benchmem ./protocol/... ./source-hubspot/... ./destination-insider/...

bench-sync: ## whole-sync throughput of the built binaries against the fakes (see docs/performance.md)
	$(GO) run ./integration_tests/bench --quick

demo: ## a demo sync against the built-in fake HubSpot and Insider
	$(GO) run ./integration_tests/demo

golden: ## rewrite the golden files from the current code (review the diff before committing)
	$(GO) test ./protocol/ ./source-hubspot/hubspot/ ./source-hubspot/source/ ./destination-insider/destination/ ./integration_tests/ -update

images: ## build both container images and check them the way Airbyte runs them (needs root)
	.ci/docker-check

clean: ## remove built binaries
	rm -rf bin/
