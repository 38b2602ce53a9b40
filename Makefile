# The two commands a newcomer needs: `make demo` and `make test` (README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup pkg test demo

## Install everything a bare Debian machine lacks (idempotent).
setup:
	scripts/setup.sh

## Build pkg/, the npm package.
pkg: setup
	scripts/build-pkg.sh

## Run every test layer.
test: setup
	scripts/test.sh

## Build the package and serve the demo on http://127.0.0.1:8787 (PORT to change).
demo: pkg
	node scripts/demo.mjs
