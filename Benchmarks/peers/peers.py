#!/usr/bin/env python3
"""NumPy/SciPy peers of KronKit's kernels (issue 20; Notes/BENCHMARKS.md, "Peers: NumPy/SciPy").

Times each computation as a NumPy/SciPy user would write it, at the sizes of kernel-report's
`peers` section (Benchmarks/KernelReport/PeersSection.swift), best of several runs, and writes
JSON. With --kronkit FILE (kernel-report's `--only peers --json FILE`), prints one side-by-side
markdown table with ratios.

    python3 Benchmarks/peers/peers.py [--quick] [--json out.json] [--kronkit kernel-report-peers.json]
    python3 Benchmarks/peers/peers.py --rounds 5 --kernel-report .build/release/kernel-report [--json out.json]

With --rounds N and --kernel-report EXECUTABLE it alternates N times: kernel-report's peers section
(a child process), then the NumPy/SciPy rows, and prints the medians over the rounds of each row's
best time, so that both sides see the same load on a shared machine.

Run with a Python that lacks NumPy/SciPy, the script creates the virtualenv
.build/peers-venv (python3 -m venv; pip install numpy scipy threadpoolctl) and re-runs itself
there. Row ids are shared with the Swift section; several NumPy variants may share one id.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, ".build", "peers-venv")


def ensure_environment():
    """Re-executes this script in the virtualenv unless NumPy, SciPy and threadpoolctl import."""
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
        import threadpoolctl  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(python):
        sys.exit("peers.py: NumPy/SciPy/threadpoolctl still missing in %s" % VENV)
    if not os.path.exists(python):
        print("Creating %s (numpy, scipy, threadpoolctl from PyPI)" % VENV, file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    subprocess.check_call([python, "-m", "pip", "install", "-q", "numpy", "scipy", "threadpoolctl"])
    os.execv(python, [python] + sys.argv)


def best(body, repetitions, budget):
    """The fastest of `repetitions` runs after one untimed warm-up; stops after `budget` seconds (≥ 2 runs)."""
    body()
    fastest = float("inf")
    start = time.perf_counter()
    for index in range(repetitions):
        t0 = time.perf_counter()
        body()
        fastest = min(fastest, time.perf_counter() - t0)
        if index >= 1 and time.perf_counter() - start > budget:
            break
    return fastest


def run(quick):
    import numpy as np
    import scipy
    import scipy.linalg as sl

    rng = np.random.default_rng(20)
    repetitions, budget = (3, 1.0) if quick else (10, 4.0)
    rows = []

    def record(row_id, peer, size, body, reps=repetitions, check=None):
        seconds = best(body, reps, budget)
        error = check() if check else None
        rows.append({"id": row_id, "peer": peer, "size": size, "seconds": seconds, "check": error})
        note = "" if error is None else " (check %.1e)" % error
        print("  %-22s %-62s %10.3f ms%s" % (row_id, peer, seconds * 1e3, note), file=sys.stderr)

    def haar(n):
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.sign(np.diag(r))

    def spd(n, values):
        q = haar(n)
        m = (q * values) @ q.T
        return (m + m.T) / 2

    def spiked_decay(n, spikes, kappa):
        """MatrixEnsemble's .spikedDecay(spikes:) spectrum: 1, 1/2, …, 1/s, then geometric from 1/(2s) to 1/κ."""
        top = max(1 / kappa, 1 / (2 * max(1, spikes)))
        t = np.arange(n - spikes) / max(1, n - spikes - 1)
        return np.concatenate([1 / np.arange(1, spikes + 1), top * (1 / kappa / top) ** t])

    def exponential(n, kappa):
        return kappa ** -(np.arange(n) / (n - 1))

    # Kronecker rows: (A ⊗ G)·X with X of n²×k, KronKit's convention (A ⊗ G)·vec(V) = vec(G·V·Aᵀ);
    # in C order X.reshape(n, n, k)[a, g, c], so the product is A on axis 0 and G on axis 1.
    n, k = (64, 16) if quick else (256, 64)
    a = spd(n, exponential(n, 1e3))
    g = spd(n, exponential(n, 1e3))
    x = rng.standard_normal((n * n, k))
    size = "%d×%d ⊗ %d×%d, %d columns" % (n, n, n, n, k)

    def kron_apply(left, right, v):
        t = (left @ v.reshape(n, n * k)).reshape(n, n, k)
        return np.matmul(right, t).reshape(n * n, k)

    def kron_check():
        column = kron_apply(a, g, x)[:, 0]
        return np.linalg.norm(column - np.kron(a, g) @ x[:, 0]) / np.linalg.norm(column) if n <= 64 else None

    record("kron-matmat", "reshape + matmul (A on axis 0, batched G on axis 1)", size, lambda: kron_apply(a, g, x),
           check=kron_check)
    record("kron-matmat", "np.einsum('ai,bj,ijc->abc', optimize=True)", size,
           lambda: np.einsum("ai,bj,ijc->abc", a, g, x.reshape(n, n, k), optimize=True))

    def kron_solve():
        lu_a, lu_g = sl.lu_factor(a), sl.lu_factor(g)
        t = sl.lu_solve(lu_a, x.reshape(n, n * k)).reshape(n, n, k)
        t = sl.lu_solve(lu_g, t.transpose(1, 0, 2).reshape(n, n * k)).reshape(n, n, k)
        return t.transpose(1, 0, 2).reshape(n * n, k)

    record("kron-solve", "lu_factor of both factors + lu_solve per mode", size, kron_solve,
           check=lambda: np.linalg.norm(kron_apply(a, g, kron_solve()) - x) / np.linalg.norm(x))
    da, qa = sl.eigh(a)
    dg, qg = sl.eigh(g)
    damping = 1e-3

    def kron_damped_inverse():
        z = kron_apply(qa.T, qg.T, x)
        z /= (np.outer(da, dg).reshape(n * n, 1) + damping)
        return kron_apply(qa, qg, z)

    record("kron-damped-inverse", "eigenbasis (eigh done): rotate, divide, rotate back", size, kron_damped_inverse,
           check=lambda: np.linalg.norm(kron_apply(a, g, kron_damped_inverse()) + damping * kron_damped_inverse() - x)
           / np.linalg.norm(x))

    # Symmetric eigenproblems on the spiked-decay SPD matrix (a K-FAC factor's spectrum).
    n, top, oversampling, power = (512, 32, 10, 2) if quick else (2048, 32, 10, 2)
    spectrum = spiked_decay(n, top, 1e6)
    m = spd(n, spectrum)
    size = "%d×%d" % (n, n)
    record("eigh-full", "scipy.linalg.eigh (default driver)", size, lambda: sl.eigh(m),
           reps=min(repetitions, 5))
    record("eigh-full", "np.linalg.eigh (syevd)", size, lambda: np.linalg.eigh(m), reps=min(repetitions, 5))
    samples = top + oversampling

    def randomized_evd():
        q = np.linalg.qr(m @ rng.standard_normal((n, samples)))[0]
        for _ in range(2 * power):
            q = np.linalg.qr(m @ q)[0]
        d, v = sl.eigh(q.T @ (m @ q))
        return d[::-1][:top], q @ v[:, ::-1][:, :top]

    def relative_value_error(values):
        return float(np.max(np.abs(values - spectrum[:top]) / spectrum[:top]))

    record("randomized-evd", "10 lines: GEMM + np.linalg.qr ×5, Qᵀ(MQ), small eigh", size, randomized_evd,
           check=lambda: relative_value_error(randomized_evd()[0]))

    def nystrom():
        omega = np.linalg.qr(rng.standard_normal((n, samples)))[0]
        for _ in range(power):
            omega = np.linalg.qr(m @ omega)[0]
        y = m @ omega
        shift = np.finfo(float).eps * np.linalg.norm(y)
        y += shift * omega
        lower = np.linalg.cholesky(omega.T @ y)
        e = sl.solve_triangular(lower, y.T, lower=True).T
        u, s, _ = sl.svd(e, full_matrices=False)
        return np.maximum(s[:top] ** 2 - shift, 0), u[:, :top]

    record("nystrom", "Tropp et al. Alg. 3: QR power steps, Cholesky, solve_triangular, svd", size, nystrom,
           check=lambda: relative_value_error(nystrom()[0]))

    rows_svd, columns_svd = (1024, 512) if quick else (2048, 1024)
    x_low = rng.standard_normal((rows_svd, top))
    y_low = rng.standard_normal((columns_svd, top))
    general = x_low @ y_low.T / np.sqrt(top) + 1e-3 * rng.standard_normal((rows_svd, columns_svd))

    def randomized_svd():
        q = np.linalg.qr(general @ rng.standard_normal((columns_svd, samples)))[0]
        for _ in range(power):
            w = np.linalg.qr(general.T @ q)[0]
            q = np.linalg.qr(general @ w)[0]
        u, s, vt = sl.svd(q.T @ general, full_matrices=False)
        return q @ u[:, :top], s[:top], vt[:top]

    record("randomized-svd", "HMT Alg. 4.4 + 5.1: GEMM + QR ×5, QᵀA, gesdd", "%d×%d" % (rows_svd, columns_svd),
           randomized_svd)

    # Brand EMA update of a rank-r eigendecomposition by c new columns (B-KFAC's factor step).
    rank, batch, decay = 64, 32, 0.95
    for width in ((512, 1024) if quick else (4096, 8192)):
        u = np.linalg.qr(rng.standard_normal((width, rank)))[0]
        d = np.arange(rank, 0, -1, dtype=float)
        columns = rng.standard_normal((width, batch))

        def brand(u=u, d=d, columns=columns):
            p = u.T @ columns
            residual = columns - u @ p
            correction = u.T @ residual  # second projection pass, as KronKit's default
            residual -= u @ correction
            p += correction
            basis, r = np.linalg.qr(residual)
            stacked = np.vstack([p, r])
            core = (1 - decay) / batch * (stacked @ stacked.T)
            core[np.arange(rank), np.arange(rank)] += decay * d
            values, vectors = sl.eigh(core)
            kept = np.argsort(values)[::-1][:rank]
            return values[kept], np.hstack([u, basis]) @ vectors[:, kept]

        record("brand-%d" % width, "two projection passes, QR of the residual, small eigh",
               "n = %d, r = %d, c = %d" % (width, rank, batch), brand)

    # Toeplitz rows: t₀ = 1, t_k = u_k/(2k²), diagonally dominant (as kernel-report's rows).
    n, k = (1024, 64) if quick else (4096, 64)
    column = np.concatenate([[1.0], rng.uniform(-1, 1, n - 1) / (2 * np.arange(1, n) ** 2)])
    lower_toeplitz = np.tril(sl.toeplitz(column))
    x = rng.standard_normal((n, k))
    size = "n = %d, %d columns" % (n, k)
    solution = sl.solve_triangular(lower_toeplitz, x, lower=True)
    record("toeplitz-solve", "solve_triangular on the formed matrix", size,
           lambda: sl.solve_triangular(lower_toeplitz, x, lower=True),
           check=lambda: np.linalg.norm(lower_toeplitz @ solution - x) / np.linalg.norm(x))
    zeros = np.zeros(n)
    zeros[0] = column[0]
    record("toeplitz-solve", "scipy.linalg.solve_toeplitz (Levinson, per column)", size,
           lambda: sl.solve_toeplitz((column, zeros), x), reps=2)
    record("toeplitz-matmat", "formed matrix @ X (dense gemm)", size, lambda: lower_toeplitz @ x)
    record("toeplitz-matmat", "scipy.linalg.matmul_toeplitz (FFT)", size,
           lambda: sl.matmul_toeplitz((column, zeros), x))

    # Block-diagonal product, block 30 (the last block holds n mod 30).
    n, b = (512, 30) if quick else (2048, 30)
    full = n // b * b
    blocks = rng.standard_normal((n // b, b, b))
    last = rng.standard_normal((n - full, n - full))
    x = rng.standard_normal((n, k))

    def block_product():
        y = np.empty_like(x)
        y[:full] = np.matmul(blocks, x[:full].reshape(n // b, b, k)).reshape(full, k)
        y[full:] = last @ x[full:]
        return y

    record("block-diagonal-matmat", "batched np.matmul over stacked blocks + last block",
           "n = %d, block %d, %d columns" % (n, b, k), block_product)
    dense_blocks = sl.block_diag(*blocks, last)
    record("block-diagonal-matmat", "scipy.linalg.block_diag formed, @ X", "n = %d, block %d, %d columns" % (n, b, k),
           lambda: dense_blocks @ x)

    # Woodbury solve of (D + U·Uᵀ)·X = B.
    n, rank, rhs = (1024, 64, 16) if quick else (4096, 64, 16)
    diagonal = rng.uniform(0.5, 1.5, n)
    factor = rng.standard_normal((n, rank)) / np.sqrt(rank)
    right = rng.standard_normal((n, rhs))

    def woodbury():
        inverse_d = 1 / diagonal
        scaled_b = inverse_d[:, None] * right
        scaled_u = inverse_d[:, None] * factor
        capacitance = np.eye(rank) + factor.T @ scaled_u
        return scaled_b - scaled_u @ sl.cho_solve(sl.cho_factor(capacitance), factor.T @ scaled_b)

    dense_woodbury = np.diag(diagonal) + factor @ factor.T
    record("woodbury-solve", "Woodbury by hand (cho_factor of the capacitance)",
           "n = %d, rank %d, %d right-hand sides" % (n, rank, rhs), woodbury,
           check=lambda: np.linalg.norm(dense_woodbury @ woodbury() - right) / np.linalg.norm(right))
    record("woodbury-solve", "np.linalg.solve on the formed matrix",
           "n = %d, rank %d, %d right-hand sides" % (n, rank, rhs), lambda: np.linalg.solve(dense_woodbury, right))

    # Gaussian kernel exp(−(|xᵢ − xⱼ|/0.1)²) + 10⁻²·I on n equispaced points: build, factor, solve.
    n = 1024 if quick else 4096
    points = np.arange(n) / n
    b = rng.standard_normal((n, 1))

    def kernel_solve():
        distance = np.subtract.outer(points, points)
        matrix = np.exp(-(distance / 0.1) ** 2)
        matrix[np.arange(n), np.arange(n)] += 1e-2
        return sl.cho_solve(sl.cho_factor(matrix, lower=True), b)

    record("kernel-solve", "form + cho_factor + cho_solve", "n = %d, 1 right-hand side" % n, kernel_solve)
    return rows, {"numpy": np.__version__, "scipy": scipy.__version__}


def machine(versions):
    from threadpoolctl import threadpool_info
    blas = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpu": model, "cores": os.cpu_count(), "python": platform.python_version(), **versions,
        "blas": [{key: info.get(key) for key in ("internal_api", "version", "architecture", "num_threads",
                                                 "threading_layer", "filepath")} for info in blas],
        "environment": {key: os.environ[key] for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                         "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
                        if key in os.environ},
    }


def milliseconds(seconds):
    return "%.2f s" % seconds if seconds >= 1 else "%.2f ms" % (seconds * 1e3)


def side_by_side(peers, kronkit):
    """One markdown table: every KronKit row of the `peers` section against each NumPy/SciPy variant of its id."""
    lines = ["NumPy/SciPy: %s" % ", ".join("%s %s (%s core, %s threads)" % (
        blas["internal_api"], blas["version"], blas["architecture"], blas["num_threads"])
        for blas in peers["machine"]["blas"]),
        "KronKit: %s, core %s, %s threads" % (kronkit["machine"].get("blas"), kronkit["machine"].get("blasCore"),
                                              kronkit["machine"].get("blasThreads")),
        "",
        "| kernel | size | KronKit | NumPy/SciPy as users write it | NumPy/SciPy | ratio (NumPy / KronKit) |",
        "|---|---|---:|---|---:|---:|"]
    for row in kronkit["peers"]:
        variants = [peer for peer in peers["rows"] if peer["id"] == row["id"]]
        if not variants:
            lines.append("| %s | %s | %s | – | – | – |" % (row["name"], row["size"], milliseconds(row["seconds"])))
        for peer in variants:
            lines.append("| %s | %s | %s | %s | %s | %.2f |" % (
                row["name"], row["size"], milliseconds(row["seconds"]), peer["peer"], milliseconds(peer["seconds"]),
                peer["seconds"] / row["seconds"]))
    return "\n".join(lines)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def alternating_rounds(rounds, executable, quick):
    """`rounds` times kernel-report's peers section, then the NumPy rows; the medians of both sides'
    best times per row, with every round's value kept under `rounds`."""
    import tempfile
    kronkit_rounds, numpy_rounds, versions = [], [], {}
    for index in range(rounds):
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            command = [executable, "--only", "peers", "--json", output.name] + (["--quick"] if quick else [])
            print("round %d/%d: %s" % (index + 1, rounds, " ".join(command)), file=sys.stderr)
            subprocess.check_call(command, stdout=subprocess.DEVNULL)
            with open(output.name) as report:
                kronkit_rounds.append(json.load(report))
        print("round %d/%d: NumPy/SciPy" % (index + 1, rounds), file=sys.stderr)
        rows, versions = run(quick)
        numpy_rounds.append(rows)
    kronkit = dict(kronkit_rounds[-1])
    kronkit["peers"] = [dict(row, seconds=median([r["peers"][i]["seconds"] for r in kronkit_rounds]),
                             rounds=[r["peers"][i]["seconds"] for r in kronkit_rounds])
                        for i, row in enumerate(kronkit_rounds[-1]["peers"])]
    rows = [dict(row, seconds=median([r[i]["seconds"] for r in numpy_rounds]),
                 rounds=[r[i]["seconds"] for r in numpy_rounds])
            for i, row in enumerate(numpy_rounds[-1])]
    return rows, versions, kronkit


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    parser.add_argument("--json", help="write the NumPy/SciPy rows (with --kernel-report also KronKit's, each "
                                       "with its rounds) to this file")
    parser.add_argument("--kronkit", help="kernel-report --only peers --json output: print the side-by-side table")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --kernel-report: alternate this many rounds of both sides, report medians")
    parser.add_argument("--kernel-report", help="the kernel-report executable, run once per round (--only peers)")
    arguments = parser.parse_args()
    if arguments.kernel_report and arguments.kronkit:
        parser.error("--kernel-report runs KronKit's side itself; --kronkit reads a finished run")
    ensure_environment()
    kronkit = None
    if arguments.kernel_report:
        rows, versions, kronkit = alternating_rounds(max(1, arguments.rounds), arguments.kernel_report, arguments.quick)
    else:
        rows, versions = run(arguments.quick)
    document = {"machine": machine(versions), "mode": "quick" if arguments.quick else "full", "rows": rows,
                "rounds": max(1, arguments.rounds) if arguments.kernel_report else 1}
    if arguments.kernel_report:
        document["kronkit"] = kronkit["peers"]
    text = json.dumps(document, indent=2, sort_keys=True)
    if arguments.json:
        with open(arguments.json, "w") as output:
            output.write(text + "\n")
    if arguments.kronkit:
        with open(arguments.kronkit) as report:
            kronkit = json.load(report)
    if kronkit is not None:
        if document["rounds"] > 1:
            print("Medians of %d alternating rounds (each round: KronKit, then NumPy/SciPy; best of several runs "
                  "per row in each)" % document["rounds"])
        print(side_by_side(document, kronkit))
    else:
        print(text)


if __name__ == "__main__":
    main()
