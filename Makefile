# The two commands a newcomer needs: `make demo` and `make test` (README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup pkg test demo fuzz bench

## Install everything a bare Debian machine lacks (idempotent).
setup:
	scripts/setup.sh

## Build pkg/, the npm package.
pkg: setup
	scripts/build-pkg.sh

## Run every test layer.
test: setup
	scripts/test.sh

## Fuzz the native core (cargo-fuzz), FUZZ_SECONDS (default 60) a target; prints executions and coverage.
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_COVERAGE=1 scripts/fuzz.sh $(FUZZ_SECONDS)

## The demo app, reference proxy worker and local stand-in provider, in workerd, on
## http://127.0.0.1:8787 (PORT to change; PROVIDER_URL and IDV_API_KEY for a real provider).
demo: pkg
	scripts/install-pkg.sh
	node www/demo.mjs

## Size, per-call speed, cold start and edge throughput beside the alternatives: prints one
## table, writes bench/results.json and bench/twiggy.txt (timings are never asserted).
bench: pkg
	scripts/bench.sh
