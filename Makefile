# Developer and CI entry points. `make ci` is what .ci/run and GitHub Actions run.

GO ?= go

# golangci-lint (config: .golangci.yml) runs through `go run pkg@version`, so it never
# enters go.mod. Its `standard` set includes staticcheck (with gosimple and stylecheck),
# so staticcheck does not run a second time on its own.
GOLANGCI_LINT_VERSION := v2.15.0

# govulncheck, also through `go run`, against the Go vulnerability database VULNDB.
GOVULNCHECK_VERSION := v1.10.0
VULNDB ?= https://vuln.go.dev

# The packages golangci-lint checks: the whole module (hand-written code; generated files
# are skipped). Narrow it on the command line to lint one package: make golangci LINT_DIRS=./gen/...
LINT_DIRS ?= ./...

# When the vendor's description sits beside the repo (../shared), check-generated
# also reports wire drift against it. Override with UPSTREAM=path or UPSTREAM=.
UPSTREAM ?= $(wildcard ../shared/reference/fingerprint-server-api-v4.yaml)

.DEFAULT_GOAL := help

.PHONY: help dist all generate check-generated check-api update-api release-check test lint fmt-check vet golangci govulncheck tidy-check fuzz bench bench-smoke conformance test-otel ci

## help: list the targets (the default goal)
help:
	@echo "make TARGET, where TARGET is one of:"
	@awk '/^## [a-z-]+:/ { sub(/^## /, ""); n = index($$0, ":"); \
		printf "  %-17s%s\n", substr($$0, 1, n - 1), substr($$0, n + 2); next } \
		/^## / { sub(/^## /, ""); printf "  %-17s%s\n", "", $$0 }' $(MAKEFILE_LIST)

## all: the same as ci
all: ci

## generate: regenerate gen/ from api/openapi.yaml (+ api/overlay.yaml), then the model
## aliases (fingerprint/models.gen.go) and the search parameters (fingerprint/search_params.gen.go,
## internal/searchparams) from gen/ and the spec (order matters, hence not ./...)
generate:
	$(GO) generate ./gen ./fingerprint

## check-generated: fail if gen/ is stale or the spec invalid (and, with UPSTREAM, on drift)
check-generated:
	$(GO) run ./cmd/gen-check $(if $(UPSTREAM),-upstream $(UPSTREAM))

## check-api: fail on any incompatible change to the exported Go API of a public package
## since the baseline in api/go/*.txt (compatible additions are listed and pass)
check-api:
	$(GO) run ./cmd/check-api

## update-api: rewrite api/go/*.txt from the code after a deliberate API change (review the diff)
update-api:
	$(GO) run ./cmd/check-api -write

## release-check: before tagging vX.Y.Z: ci, a baseline that records the exact API, a
## CHANGELOG.md section for fingerprint.Version and nothing left under Unreleased, a tag
## vX.Y.Z not used yet, the module path's major version; then prints the tag commands
release-check: ci
	$(GO) run ./cmd/check-api -strict
	FINGERPRINT_RELEASE_CHECK=1 $(GO) test -count=1 -run '^TestRelease' ./internal/release
	@v=$$(sed -n 's/^const Version = "\(.*\)"/\1/p' fingerprint/version.go); \
		echo "release-check: ready to tag v$$v:"; \
		echo "  git tag -a v$$v -m v$$v && git push origin v$$v"

## test: the whole suite under the race detector (the README runs it without -race: go test ./...)
test:
	$(GO) test -race ./...

## lint: gofmt and go vet (generated code included), then golangci-lint (staticcheck,
## errcheck, gosec, revive, ...; generated files skipped)
lint: fmt-check vet golangci

## fmt-check: gofmt -l finds nothing
fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## vet: go vet ./...
vet:
	$(GO) vet ./...

## golangci: golangci-lint on LINT_DIRS (generated files are skipped, see .golangci.yml)
golangci:
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run $(LINT_DIRS)

## govulncheck: known vulnerabilities reachable from the module's code (golang.org/x/vuln);
## skips, saying so, when the database VULNDB cannot be reached (not part of ci: the
## GitHub workflow runs it, .ci/run has no network beyond the module proxy)
govulncheck:
	@if curl -fsS -o /dev/null --max-time 20 "$(VULNDB)/index/db.json"; then \
		$(GO) run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) -db "$(VULNDB)" ./...; \
	else \
		echo "govulncheck: SKIPPED: the vulnerability database $(VULNDB) cannot be reached"; \
	fi

## tidy-check: go.mod and go.sum are tidy
tidy-check:
	$(GO) mod tidy -diff

## fuzz: run each fuzz target briefly (seeds also run in every `go test`)
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can report a
# spurious "context deadline exceeded" at the deadline on a loaded machine (go.dev/issue/75804,
# fixed in Go 1.27); a count has no deadline to race. 20000 runs take 2-6 s per target here.
FUZZTIME ?= 20000x
# Each target is package:FuzzName.
FUZZ_TARGETS := ./fingerprint/webhook:FuzzVerify ./fingerprint/sealed:FuzzUnseal ./fingerprint/sealed:FuzzUnsealDecrypted \
	./internal/eventjson:FuzzDecode ./fingerprint:FuzzDecodeAPIError ./fingerprint:FuzzDecodeEvent \
	./fingerprint:FuzzSearchParamsEncode ./fingerprint:FuzzCountEvents
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		p=$${t%%:*}; f=$${t##*:}; \
		echo "fuzz $$p $$f ($(FUZZTIME))"; \
		$(GO) test $$p -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME); \
	done

## bench: the benchmarks quoted in BENCHMARKS.md (benchstat-friendly)
bench:
	$(GO) test ./fingerprint ./fingerprint/sealed ./fingerprint/webhook -run '^$$' -bench 'DecodeEvent|GetEventRoundTrip|SearchEventsIter|Unseal|VerifyWebhook' -count=6 -timeout 30m
	$(GO) test ./cmd/fpctl/internal/cli -run '^$$' -bench Export -count=6 -timeout 30m

## bench-smoke: run the CLI export benchmark once, so CI keeps it compiling and passing
## (it fails if an export is incomplete); the numbers in BENCHMARKS.md come from make bench
bench-smoke:
	$(GO) test ./cmd/fpctl/internal/cli -run '^$$' -bench Export -benchtime 1x

## conformance: the vendor's Node SDK against cmd/fingerprint-fake, one line per call
## (needs Node and the SDK in .cache/node-conformance; .ci/run installs it, else it skips)
conformance:
	$(GO) test -count=1 -v -run '^TestNodeSDKConformance$$' ./conformance/node

## test-otel: the OpenTelemetry adapter, a module of its own (otel/, which the root's ./...
## does not reach): build, vet, tests under -race, tidy go.mod/go.sum and golangci-lint
## (staticcheck included). Its go.mod replaces the root module with ../, so it tests this checkout.
test-otel:
	cd otel && $(GO) build ./... && $(GO) vet ./...
	cd otel && $(GO) test -race ./...
	cd otel && $(GO) mod tidy -diff
	cd otel && $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) run ./...

## ci: everything CI runs
ci: check-generated check-api lint tidy-check test test-otel fuzz bench-smoke

## dist: cross-compile fpctl and fingerprint-fake for linux, darwin and windows on amd64 and
## arm64 into dist/, with SHA256SUMS. Reproducible: the same commit, VERSION and Go release
## give the same bytes (-trimpath, no build ID, no VCS stamp, no cgo). VERSION is the tag on
## HEAD (git describe), stamped into `fpctl --version`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
DIST_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST_LDFLAGS := -s -w -buildid= -X github.com/fpgo/fingerprint-go/cmd/fpctl/internal/cli.version=$(VERSION)
dist:
	@rm -rf dist && mkdir -p dist
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		for cmd in fpctl fingerprint-fake; do \
			echo "dist/$${cmd}_$(VERSION)_$${os}_$${arch}$$ext"; \
			CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false \
				-ldflags "$(DIST_LDFLAGS)" -o "dist/$${cmd}_$(VERSION)_$${os}_$${arch}$$ext" ./cmd/$$cmd; \
		done; \
	done
	@cd dist && if command -v sha256sum >/dev/null; then sha256sum fpctl_* fingerprint-fake_* > SHA256SUMS; \
		else shasum -a 256 fpctl_* fingerprint-fake_* > SHA256SUMS; fi
	@cat dist/SHA256SUMS
