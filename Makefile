# KronKit: set-up, tests, the demo and benchmarks on a Debian machine.
#   make demo   install missing system packages, build in release, compare the optimizers (kronkit compare)
#   make test   install missing system packages, run the whole test suite
#   make bench  the kernel report (every kernel against its dense baseline)

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev libfftw3-dev zlib1g-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test demo bench bench-quick microbench clean

## Install the BLAS/LAPACK/FFTW/zlib development packages that are not installed yet.
deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

## The comparison a new user sees first: nine optimizers (B-KFAC at rank 64, SINGD with dense factors) on the built-in glyphs, MLP, 2 epochs.
DEMO_OUTPUT ?= demo-output
demo: deps
	$(SWIFT) build -c release --product kronkit
	.build/release/kronkit compare --model mlp --optimizers sgd,adam,kfac,kfac-inverse,tkfac,ekfac,tekfac,b-kfac,singd \
	  --rank 64 --epochs 2 --batch-size 128 --precision float32 --output $(DEMO_OUTPUT)
	@echo "Open $(CURDIR)/$(DEMO_OUTPUT)/report.svg in a browser to see the curves."

bench: deps
	$(SWIFT) build -c release --product kernel-report
	.build/release/kernel-report --json kernel-report.json

bench-quick: deps
	$(SWIFT) build -c release --product kernel-report
	.build/release/kernel-report --quick

microbench: deps
	$(SWIFT) package --disable-sandbox benchmark --skip-target KernelReport

clean:
	rm -rf .build
