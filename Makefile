# KronKit: set-up, tests, the demo and benchmarks on a Debian machine.
#   make demo   install missing system packages, build in release, compare the optimizers (kronkit compare)
#   make test   install missing system packages, run the whole test suite (and the MPI check when mpirun is present)
#   make test-mpi  the data-parallel check under mpirun -np 2 (Notes/Distributed.md)
#   make bench-mpi  data-parallel step and communication time, 1 and 2 processes (Notes/Distributed.md)
#   make bench  the kernel report (every kernel against its dense baseline)
#   make bench-peers  KronKit against the NumPy/SciPy code its users would otherwise write (PEERS_FLAGS=--quick: small sizes)
#   make docs   the DocC documentation of every library product, a static site in .build/docs
# kronkit and kernel-report choose OpenBLAS's kernels at start-up (re-executing with OPENBLAS_CORETYPE
# when OpenBLAS runs an older kernel family than the CPU allows; Notes/BLASCores.md): demo and bench too.

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev libfftw3-dev zlib1g-dev pkg-config libopenmpi-dev openmpi-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test test-mpi test-cores demo bench bench-quick bench-peers bench-mpi microbench docs clean

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

## The suite runs tests in parallel threads: OpenBLAS must then run single-threaded (its own
## rule for multithreaded callers; Notes/DenseLinearAlgebra.md), unless the caller chose otherwise.
test test-cores: export OPENBLAS_NUM_THREADS ?= 1

test: deps
	$(SWIFT) test
	@if command -v $(MPIRUN) >/dev/null 2>&1; then $(MAKE) --no-print-directory test-mpi; \
	else echo "== $(MPIRUN) not found: the MPI check is skipped (make deps installs openmpi-bin)"; fi

## Open MPI: as root it needs --allow-run-as-root; --oversubscribe lets it start more processes than cores.
MPIRUN ?= mpirun
MPI_RANKS ?= 2
MPIRUN_FLAGS := --oversubscribe $(if $(filter 0,$(shell id -u)),--allow-run-as-root)

## Data-parallel steps (SGD, K-FAC, EKFAC, B-KFAC; Float and Double) against one process's, under mpirun.
test-mpi: export OPENBLAS_NUM_THREADS ?= 1
test-mpi: deps
	$(SWIFT) build --product MPITrainingCheck
	$(MPIRUN) $(MPIRUN_FLAGS) -np $(MPI_RANKS) .build/debug/MPITrainingCheck

## The whole suite once per OpenBLAS kernel family (the tolerances must hold on any correct
## BLAS); a core whose instructions this CPU lacks (AVX2 for Haswell, AVX-512 for SkylakeX) is skipped.
TEST_CORES ?= Prescott Haswell SkylakeX
test-cores: deps
	$(SWIFT) build --build-tests
	@for core in $(TEST_CORES); do \
	  case $$core in \
	    Haswell|Zen) need=avx2 ;; SkylakeX|Cooperlake) need=avx512f ;; *) need= ;; \
	  esac; \
	  if [ -n "$$need" ] && ! grep -qw $$need /proc/cpuinfo; then echo "== $$core: skipped (no $$need on this CPU)"; continue; fi; \
	  echo "== OPENBLAS_CORETYPE=$$core"; \
	  OPENBLAS_CORETYPE=$$core $(SWIFT) test --skip-build > .build/test-$$core.log 2>&1; status=$$?; \
	  grep -E '✘|Test run with' .build/test-$$core.log | head -20; \
	  [ $$status = 0 ] || { echo "== $$core: FAILED (log: .build/test-$$core.log)"; exit 1; }; \
	done

## The comparison a new user sees first: nine optimizers (B-KFAC at rank 64, SINGD with dense factors) on the built-in glyphs, MLP, 2 epochs.
DEMO_OUTPUT ?= demo-output
demo: deps
	$(SWIFT) build -c release --product kronkit
	.build/release/kronkit compare --model mlp --optimizers sgd,adam,kfac,kfac-inverse,tkfac,ekfac,tekfac,b-kfac,singd \
	  --rank 64 --epochs 2 --batch-size 128 --precision float32 --output $(DEMO_OUTPUT)
	@echo "Open $(abspath $(DEMO_OUTPUT))/report.svg in a browser to see the curves."

bench: deps
	$(SWIFT) build -c release --product kernel-report
	.build/release/kernel-report --json kernel-report.json

bench-quick: deps
	$(SWIFT) build -c release --product kernel-report
	.build/release/kernel-report --quick

## KronKit's `peers` rows and the same computations in NumPy/SciPy (Benchmarks/peers/peers.py, which
## creates .build/peers-venv), printed side by side. NumPy's bundled OpenBLAS picks its own core, so
## OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the Python command only.
PEERS_FLAGS ?=
bench-peers: deps
	$(SWIFT) build -c release --product kernel-report
	.build/release/kernel-report --only peers $(PEERS_FLAGS) --json .build/kernel-report-peers.json
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/peers/peers.py $(PEERS_FLAGS) \
	  --json .build/peers-numpy.json --kronkit .build/kernel-report-peers.json

## Step and communication time of SGD and K-FAC on one process and under mpirun -np 2 (one OpenBLAS
## thread per process: two processes on two cores), then the formula's table (Notes/Distributed.md).
MPI_BENCH_FLAGS ?= --steps 20
bench-mpi: deps
	$(SWIFT) build -c release --product MPIBench
	OPENBLAS_NUM_THREADS=1 .build/release/MPIBench $(MPI_BENCH_FLAGS)
	OPENBLAS_NUM_THREADS=1 $(MPIRUN) $(MPIRUN_FLAGS) -np 2 .build/release/MPIBench $(MPI_BENCH_FLAGS) | tail -n +4

microbench: deps
	$(SWIFT) package --disable-sandbox benchmark --skip-target KernelReport

## DocC documentation of every library product (swift-docc-plugin), combined into one static
## site so that the modules' pages link to each other: open .build/docs/index.html through a web
## server (e.g. `python3 -m http.server -d .build/docs`), or host the folder as it is.
## Fails on every docc warning: a symbol or article link that does not resolve or is ambiguous, in
## a catalog or in a doc comment, a malformed catalog, or a doc comment that documents some of a
## function's parameters but not all; and on a compiler warning of the plugin's build. A warning is found anywhere in a line, since the plugin's build
## output can interleave with docc's lines and cut one in the middle.
DOC_TARGETS := DenseLinearAlgebra LinearOperators SymmetricEigen KroneckerOperators RandomizedRange OnlineEigenUpdates \
  HierarchicalMatrices StructuredFactors KronKit NeuralNetworks CurvatureOptimizers Distributed MPIDistributed
DOCS_DIR := .build/docs
docs: deps
	@mkdir -p .build
	@{ $(SWIFT) package --allow-writing-to-directory $(DOCS_DIR) generate-documentation \
	    $(addprefix --target ,$(DOC_TARGETS)) --enable-experimental-combined-documentation \
	    --transform-for-static-hosting --output-path $(DOCS_DIR); echo $$? > .build/docs.status; } 2>&1 | tee .build/docs.log
	@status=$$(cat .build/docs.status); [ "$$status" = 0 ] || { echo "== docs: docc failed (log: .build/docs.log)"; exit 1; }
	@problems=$$(grep -cE "(warning|error): " .build/docs.log); \
	if [ "$$problems" != 0 ]; then \
	  echo "== docs: $$problems warnings of docc or of the build (log: .build/docs.log):"; \
	  grep -E -A2 "(warning|error): " .build/docs.log | grep -E "(warning|error): |-->" | head -60; \
	  exit 1; \
	fi; \
	echo "== docs: $(CURDIR)/$(DOCS_DIR); serve it (python3 -m http.server -d $(DOCS_DIR)) and open /documentation"

clean:
	rm -rf .build
