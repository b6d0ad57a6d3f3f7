import Foundation
import KronKit

/// LinearOperators rows (issue 13): matrix-free algorithms on structured operators against
/// their dense or exact counterparts, and the cost of calling through the protocol.
///
/// - CG on the 2-D Poisson operator `T ⊕ T` (`T = tridiag(−1, 2, −1)` of order `m`, kept as a
///   `KroneckerSum`), relative tolerance `10⁻⁶`, plain and preconditioned by the
///   Kronecker-factored `(T + I)⁻¹ ⊗ (T + I)⁻¹`, iteration counts in the row names. Dense Cholesky
///   (`dpotrf` + `dpotrs`) only at `m = 64` (`n = 4096`): `n = 256²` would need a 32 GiB matrix.
/// - SLQ log-determinant of the 2048-point Gaussian-kernel HODLR operator against the exact
///   log-determinant of its HODLR factorization: relative error against matvec count.
/// - Hutch++ against Hutchinson on a spectrum `λᵢ = i⁻²`: mean relative error over 10 seeds
///   against matvec count.
/// - Protocol overhead: `apply(to:)` through a generic (specialised) function and through an
///   existential `any LinearOperator` against the call on the concrete type, each in a function
///   that is not inlined (so that no side gets its loop-invariant checks hoisted).
enum OperatorsSection {
    static func run(_ report: inout KernelReport) throws {
        try conjugateGradients(&report)
        try logDeterminant(&report)
        try traceEstimation(&report)
        try protocolOverhead(&report)
    }

    /// `tridiag(−1, 2, −1)` of order `m`.
    static func laplacian(_ m: Int) throws -> Matrix<Double> {
        try Matrix(rows: m, columns: m) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
    }

    /// Times `body` once (these runs take seconds; the iteration counts are the point).
    static func once<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Timing.now()
        let value = try body()
        return (value, Timing.now() - start)
    }

    static func conjugateGradients(_ report: inout KernelReport) throws {
        let solver = try ConjugateGradients<Double>(options: .init(relativeTolerance: 1e-6, maximumIterations: 100_000))
        let orders = report.quick ? [64, 128] : [64, 256, 512]
        for m in orders {
            let n = m * m
            let t = try laplacian(m)
            let poisson = try KroneckerSum(t, t)
            var shifted = t
            try shifted.addToDiagonal(1)
            let factor = try InverseOperator(SymmetricEigendecomposition(shifted))
            let preconditioner = try kroneckerProduct(factor, factor)
            var generator = Xoshiro256StarStar(seed: 21)
            let b = try Matrix<Double>.randomGaussian(rows: n, columns: 1, using: &generator)
            let (plain, plainSeconds) = try once { try solver.solve(poisson, b) }
            let (preconditioned, preconditionedSeconds) = try once {
                try solver.solve(poisson, b, preconditioner: preconditioner)
            }
            let size = "n = \(m)² = \(n), 1 rhs, τ = 1e-6"
            report.record(ReportRow(
                name: "CG on 2-D Poisson (KroneckerSum), (T+I)⁻¹ ⊗ (T+I)⁻¹ preconditioner: "
                    + "\(preconditioned.iterations[0]) iterations vs \(plain.iterations[0]) plain",
                size: size, seconds: preconditionedSeconds, baseline: "plain CG", baselineSeconds: plainSeconds,
                speedup: plainSeconds / preconditionedSeconds, gflops: nil))
            print("  CG Poisson [\(size)]: plain \(plain.iterations[0]) iterations \(format(plainSeconds)), "
                + "preconditioned \(preconditioned.iterations[0]) iterations \(format(preconditionedSeconds))")
            guard m == 64 else { continue }
            let dense = try poisson.dense()
            let (_, denseSeconds) = try once { try CholeskyFactorization(dense).solve(b) }
            let reference = try CholeskyFactorization(dense).solve(b)
            let error = try (plain.solution - reference).frobeniusNorm / reference.frobeniusNorm
            report.record(ReportRow(
                name: "CG on 2-D Poisson (KroneckerSum), \(plain.iterations[0]) iterations, "
                    + "rel. difference to Cholesky \(String(format: "%.1e", error))",
                size: size, seconds: plainSeconds, baseline: "dense Cholesky (dpotrf + dpotrs)",
                baselineSeconds: denseSeconds, speedup: denseSeconds / plainSeconds, gflops: nil))
            print("  CG vs dense Cholesky [\(size)]: \(format(plainSeconds)) vs \(format(denseSeconds))")
        }
    }

    static func logDeterminant(_ report: inout KernelReport) throws {
        let n = 2048
        let h = try HODLRMatrix<Double>(order: n, entry: HierarchicalMatricesSection.kernel(order: n))
        let factorization = try h.factorized()
        let exact = factorization.logAbsoluteDeterminant().logAbs
        let settings = report.quick ? [(4, 10), (10, 20), (30, 20)] : [(4, 10), (10, 20), (30, 20), (100, 20), (100, 40)]
        for (probes, steps) in settings {
            let slq = try StochasticLanczosQuadrature<Double>(probes: probes, steps: steps)
            var generator = Xoshiro256StarStar(seed: 22)
            let estimate = try slq.logDeterminant(h, using: &generator)
            let error = abs(estimate - exact) / abs(exact)
            try report.compare(
                "SLQ log det of Gaussian-kernel HODLR, \(probes) probes × \(steps) steps = \(probes * steps) matvecs, "
                    + "rel. error \(String(format: "%.1e", error))",
                size: "n = \(n), leaf 64", repetitions: 1,
                kernel: {
                    var generator = Xoshiro256StarStar(seed: 22)
                    _ = try slq.logDeterminant(h, using: &generator)
                },
                baseline: "HODLR factorization + exact log det") { _ = try h.factorized().logAbsoluteDeterminant() }
        }
    }

    static func traceEstimation(_ report: inout KernelReport) throws {
        let n = report.quick ? 400 : 1000
        var generator = Xoshiro256StarStar(seed: 23)
        let spectrum = (1...n).map { 1 / Double($0 * $0) }
        let a = try MatrixEnsemble<Double>.symmetric(eigenvalues: spectrum, using: &generator)
        let exact = spectrum.reduce(0, +)
        let seeds = 10
        for m in report.quick ? [12, 48, 192] : [12, 24, 48, 96, 192, 384] {
            let hutchinson = try HutchinsonTraceEstimator<Double>(matrixVectorProducts: m)
            let hutchPlusPlus = try HutchPlusPlusTraceEstimator<Double>(matrixVectorProducts: m)
            var errors = (hutchinson: 0.0, hutchPlusPlus: 0.0)
            for seed in 0..<seeds {
                var one = Xoshiro256StarStar(seed: UInt64(100 + seed)), two = one
                errors.hutchinson += abs(try hutchinson.estimate(a, using: &one) - exact) / exact / Double(seeds)
                errors.hutchPlusPlus += abs(try hutchPlusPlus.estimate(a, using: &two) - exact) / exact / Double(seeds)
            }
            try report.compare(
                "Hutch++ trace, λᵢ = i⁻², \(m) matvecs: mean rel. error \(String(format: "%.1e", errors.hutchPlusPlus)) "
                    + "vs Hutchinson \(String(format: "%.1e", errors.hutchinson)) (\(seeds) seeds)",
                size: "n = \(n), dense operator",
                kernel: {
                    var generator = Xoshiro256StarStar(seed: 100)
                    _ = try hutchPlusPlus.estimate(a, using: &generator)
                },
                baseline: "Hutchinson, same matvecs") {
                    var generator = Xoshiro256StarStar(seed: 100)
                    _ = try hutchinson.estimate(a, using: &generator)
                }
        }
    }

    /// `A·X` through the protocol, generic: specialised by the optimizer, as in client code.
    @inline(never)
    static func applyGeneric<Op: LinearOperator>(_ op: Op, _ x: Matrix<Op.Scalar>) throws -> Matrix<Op.Scalar> {
        try op.apply(to: x)
    }

    /// `A·X` on the concrete type in a function that is not inlined either: the baseline, so that
    /// the compiler cannot hoist the loop-invariant input checks out of a repeated direct call.
    @inline(never)
    static func applyConcrete(_ op: KroneckerProduct<Double>, _ x: Matrix<Double>) throws -> Matrix<Double> {
        try op.apply(to: x)
    }

    /// The concrete baseline for a diagonal, as for the Kronecker product above.
    @inline(never)
    static func applyConcrete(_ op: DiagonalMatrix<Double>, _ x: Matrix<Double>) throws -> Matrix<Double> {
        try op.apply(to: x)
    }

    /// `A·X` through an existential: dynamic dispatch on every call.
    @inline(never)
    static func applyExistential(_ op: any LinearOperator<Double>, _ x: Matrix<Double>) throws -> Matrix<Double> {
        try op.apply(to: x)
    }

    static func protocolOverhead(_ report: inout KernelReport) throws {
        // Every result is consumed (its first entry summed into `sink`, printed at the end), so
        // that an inlined direct call cannot drop work that the generic call must do.
        var sink = 0.0
        defer { print("  (checksum \(sink))") }
        var generator = Xoshiro256StarStar(seed: 24)
        let factor = try Matrix<Double>.randomGaussian(rows: 64, columns: 64, using: &generator)
        let product = try KroneckerProduct(factor, factor)
        let block = try Matrix<Double>.randomGaussian(rows: 64 * 64, columns: 16, using: &generator)
        let kroneckerSize = "64×64 ⊗ 64×64, 16 columns"
        try report.compare("Kronecker apply through a generic function (specialised)", size: kroneckerSize,
                           kernel: { sink += try applyGeneric(product, block)[0, 0] },
                           baseline: "KroneckerProduct.apply(to:) on the concrete type") { sink += try applyConcrete(product, block)[0, 0] }
        try report.compare("Kronecker apply through any LinearOperator", size: kroneckerSize,
                           kernel: { sink += try applyExistential(product, block)[0, 0] },
                           baseline: "KroneckerProduct.apply(to:) on the concrete type") { sink += try applyConcrete(product, block)[0, 0] }
        // A cheap product, where a per-call overhead would show: a diagonal on one vector.
        let diagonal = try DiagonalMatrix(diagonal: Double.randomGaussians(count: 256, using: &generator))
        let vector = try Matrix<Double>.randomGaussian(rows: 256, columns: 1, using: &generator)
        let calls = 1000
        try report.compare("Diagonal apply ×\(calls) through a generic function (specialised)", size: "n = 256, 1 column",
                           kernel: { for _ in 0..<calls { sink += try applyGeneric(diagonal, vector)[0, 0] } },
                           baseline: "DiagonalMatrix.apply(to:) on the concrete type") {
            for _ in 0..<calls { sink += try applyConcrete(diagonal, vector)[0, 0] }
        }
        try report.compare("Diagonal apply ×\(calls) through any LinearOperator", size: "n = 256, 1 column",
                           kernel: { for _ in 0..<calls { sink += try applyExistential(diagonal, vector)[0, 0] } },
                           baseline: "DiagonalMatrix.apply(to:) on the concrete type") {
            for _ in 0..<calls { sink += try applyConcrete(diagonal, vector)[0, 0] }
        }
    }
}
