import DenseLinearAlgebra
import Foundation
import KronKitTestSupport
import KroneckerOperators
import LinearOperators
import SymmetricEigen
import Testing

@Suite("Matrix-free algorithms on any operator")
struct AlgorithmTests {
    /// The 1-D Dirichlet Laplacian tridiag(−1, 2, −1) of order m, with eigenvalues
    /// `2 − 2cos(kπ/(m+1))`, k = 1…m.
    func laplacian<Scalar: LinearAlgebraScalar>(_ m: Int) throws -> Matrix<Scalar> {
        try Matrix(rows: m, columns: m) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
    }

    func poisson<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let m = 12, n = 144
        let t: Matrix<Scalar> = try laplacian(m)
        let operator_ = try KroneckerSum(t, t)
        var generator = Xoshiro256StarStar(seed: 1305)
        let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
        // κ of T ⊕ T: (2·λ_max(T)) / (2·λ_min(T)).
        let angle = Double.pi / Double(m + 1)
        let kappa: Double = (2 + 2 * Foundation.cos(angle)) / (2 - 2 * Foundation.cos(angle))
        let tau: Scalar = Scalar.self == Float.self ? 1e-4 : 1e-10
        let solver = try ConjugateGradients<Scalar>(options: .init(relativeTolerance: tau))
        let result = try solver.solve(operator_, b)
        let dense = try operator_.dense()
        let reference = try CholeskyFactorization(dense).solve(b)
        // ‖x − x*‖/‖x*‖ ≤ κ·‖r‖/‖b‖ ≤ κ·τ for CG's stop; the Cholesky reference and the drift of
        // CG's recurrence residual add eps·κ each (factor 30·n as for any backward-stable solve).
        let bound = Scalar(kappa) * (tau + Tolerance.backward(Scalar.self, order: n))
        #expect(try result.solution.relativeDistance(to: reference) <= bound)
        #expect(result.relativeResiduals.allSatisfy { $0 <= tau })
        // The A-norm error falls by 2((√κ−1)/(√κ+1))^k, and ‖r‖/‖b‖ ≤ √κ·‖e‖_A/‖e₀‖_A, so
        // k ≤ ⌈½√κ·ln(2√κ/τ)⌉ iterations reach τ [Saad 2003, Thm 6.29] (rounding only delays
        // CG by a few iterations at this κ ≈ 68; the margin is 10 %).
        let rootKappa: Double = kappa.squareRoot()
        let classical: Double = 0.5 * rootKappa * Foundation.log(2 * rootKappa / Double(tau))
        let iterationBound = Int(classical * 1.1) + 1
        #expect(result.iterations.allSatisfy { $0 <= iterationBound }, "\(result.iterations) > \(iterationBound)")
        // With the exact inverse as the preconditioner the first step is the solution.
        let exactInverse = try InverseOperator(SymmetricEigendecomposition(dense))
        let preconditioned = try solver.solve(operator_, b, preconditioner: exactInverse)
        #expect(preconditioned.iterations == [1, 1])
        // A Kronecker-factored preconditioner (T + I)⁻¹ ⊗ (T + I)⁻¹ ≈ (T ⊕ T)⁻¹ up to the
        // spectral factor, itself a generic Kronecker product of inverses: fewer iterations.
        var shifted = t
        try shifted.addToDiagonal(1)
        let factorInverse = try InverseOperator(SymmetricEigendecomposition(shifted))
        let kronecker = try KroneckerProductOperator(factorInverse, factorInverse)
        let factored = try solver.solve(operator_, b, preconditioner: kronecker)
        #expect(try factored.solution.relativeDistance(to: reference) <= bound)
        #expect(zip(factored.iterations, result.iterations).allSatisfy { $0 < $1 },
                "preconditioned \(factored.iterations), plain \(result.iterations)")
    }

    @Test("CG on the 2-D Poisson KroneckerSum matches dense Cholesky, Float") func poissonFloat() throws {
        try poisson(Float.self)
    }
    @Test("CG on the 2-D Poisson KroneckerSum matches dense Cholesky, Double") func poissonDouble() throws {
        try poisson(Double.self)
    }

    @Test("CG rejects an indefinite operator and a bad tolerance, naming them")
    func conjugateGradientErrors() throws {
        let indefinite = try Matrix<Double>(diagonal: [1, -1, 2])
        let b = try Matrix<Double>(column: [1, 1, 1])
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradients<Double>().solve(indefinite, b) }
        #expect(throws: LinearAlgebraError.self) {
            try ConjugateGradients<Double>(options: .init(relativeTolerance: 0))
        }
        #expect(throws: LinearAlgebraError.self) {
            try ConjugateGradients<Double>(options: .init(relativeTolerance: 1e-12, maximumIterations: 1))
                .solve(try Matrix<Double>(diagonal: [1, 2, 3]), b)
        }
    }

    /// The reason of a solve that reached its iteration limit.
    func limitReason<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, maximumIterations: Int? = nil) throws -> String? {
        let b = try Matrix<Scalar>(column: (0..<a.rows).map { Scalar($0 + 1) })
        do {
            _ = try ConjugateGradients<Scalar>(options: .init(maximumIterations: maximumIterations)).solve(a, b)
        } catch let LinearAlgebraError.toleranceNotMet(_, _, _, reason) {
            return reason
        }
        return nil
    }

    func asymmetryNamed<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Not symmetric (positive definite in its symmetric part): CG stalls, and says why.
        let reason = try limitReason(try Matrix<Scalar>(rowsOf: [[2, 1], [0, 2]]))
        #expect(reason?.contains("the iteration limit") == true && reason?.contains("A is not symmetric") == true,
                "\(String(describing: reason))")
        // NaN in A: named as such, not as a failure of definiteness.
        let b = try Matrix<Scalar>(column: [1, 2])
        for entry in [Scalar.nan, .infinity] {
            #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "ConjugateGradients.solve", argument: "A·p")) {
                try ConjugateGradients<Scalar>().solve(try Matrix<Scalar>(rowsOf: [[entry, 0], [0, 2]]), b)
            }
            #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "ConjugateGradients.solve", argument: "M·r")) {
                try ConjugateGradients<Scalar>().solve(try Matrix<Scalar>(diagonal: [2, 2]), b,
                                                       preconditioner: try Matrix<Scalar>(rowsOf: [[entry, 0], [0, 1]]))
            }
        }
        // Symmetric, stopped early by the limit: no word on symmetry.
        let symmetric = try limitReason(try Matrix<Scalar>(diagonal: [1, 2, 3, 4]), maximumIterations: 1)
        #expect(symmetric == "the iteration limit 1 was reached", "\(String(describing: symmetric))")
    }

    @Test("CG reaching its limit on a non-symmetric operator says it is not symmetric, Float and Double")
    func conjugateGradientAsymmetry() throws {
        try asymmetryNamed(Float.self)
        try asymmetryNamed(Double.self)
    }

    func traceEstimators<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1306)
        let n = 100, m = 60
        // A decaying spectrum 0.5^i of rank r = 10 ≤ m/3 = 20 sketch columns.
        let values = (0..<n).map { $0 < 10 ? Scalar.pow(0.5, Scalar($0)) : 0 }
        let a = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        let exact = values.reduce(0, +)
        let hutchinson = try HutchinsonTraceEstimator<Scalar>(matrixVectorProducts: m)
        let hutchPlusPlus = try HutchPlusPlusTraceEstimator<Scalar>(matrixVectorProducts: m)
        let plain = try hutchinson.estimate(a, using: &generator)
        let sketched = try hutchPlusPlus.estimate(a, using: &generator)
        // Hutchinson with Rademacher probes: variance (2/m)(‖A‖_F² − Σaᵢᵢ²); Chebyshev at 10σ
        // fails with probability ≤ 1 % (the seed is fixed, so the test is deterministic).
        let offDiagonal = a.frobeniusNorm * a.frobeniusNorm - a.diagonal.reduce(0) { $0 + $1 * $1 }
        let sigma = (2 * offDiagonal / Scalar(m)).squareRoot()
        #expect(abs(plain - exact) <= 10 * sigma)
        // Hutch++: the sketch A·S of a rank-10 A has rank 10 (S Rademacher 100 × 20), so
        // Q spans range(A), tr(QᵀAQ) = tr A and the deflated rest is zero up to rounding:
        // the error is the rounding of the products and the QR, c·n·eps·tr A.
        let rounding = Tolerance.backward(Scalar.self, order: n) * exact
        #expect(abs(sketched - exact) <= rounding, "Hutch++ error \(abs(sketched - exact)) > \(rounding)")
        #expect(rounding < sigma / 100, "the test separates the two estimators")
        // On a diagonal operator Rademacher probes are exact: zᵢ² = 1.
        let diagonal = try Matrix<Scalar>(diagonal: values)
        #expect(abs(try hutchinson.estimate(diagonal, using: &generator) - exact) <= rounding)
        // An operator holding NaN gives no estimate, from either estimator.
        var broken = a
        broken[3, 5] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "HutchinsonTraceEstimator.estimate",
                                                          argument: "A·(probes)")) {
            try hutchinson.estimate(broken, using: &generator)
        }
        #expect(throws: LinearAlgebraError.self) { try hutchPlusPlus.estimate(broken, using: &generator) }
    }

    @Test("Hutch++ is exact up to rounding where Hutchinson errs by its variance, Float") func traceFloat() throws {
        try traceEstimators(Float.self)
    }
    @Test("Hutch++ is exact up to rounding where Hutchinson errs by its variance, Double") func traceDouble() throws {
        try traceEstimators(Double.self)
    }
}

@Suite("Stochastic Lanczos quadrature")
struct LanczosQuadratureTests {
    func logDeterminant<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1308)
        let n = 60, m = 30
        // Spectrum in [1, 10] (κ = 10): k = 20 steps make the quadrature error
        // ((√10 − 1)/(√10 + 1))^40 ≈ 10⁻¹⁰ per probe, far below the sampling error.
        let values = (0..<n).map { 1 + 9 * Scalar($0) / Scalar(n - 1) }
        let a = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        let exact = values.reduce(0) { $0 + Scalar.log($1) }
        let estimate = try StochasticLanczosQuadrature<Scalar>(probes: m, steps: 20).logDeterminant(a, using: &generator)
        // Hutchinson's variance on log A, (2/m)(‖log A‖_F² − Σ (log A)ᵢᵢ²), from the exact log A;
        // Chebyshev at 10σ (≤ 1 % failure, fixed seed), plus the Float rounding of n·log terms.
        let logA = try SymmetricEigendecomposition(a).applying { Scalar.log($0) }
        let offDiagonal = logA.frobeniusNorm * logA.frobeniusNorm - logA.diagonal.reduce(0) { $0 + $1 * $1 }
        let sigma = (2 * Swift.max(offDiagonal, 0) / Scalar(m)).squareRoot()
        let rounding = Tolerance.backward(Scalar.self, order: n) * abs(exact)
        #expect(abs(estimate - exact) <= 10 * sigma + rounding, "SLQ \(estimate), exact \(exact), σ \(sigma)")
        // An indefinite operator is rejected.
        let indefinite = try Matrix<Scalar>(diagonal: [1, -1, 2, 3])
        #expect(throws: LinearAlgebraError.self) {
            try StochasticLanczosQuadrature<Scalar>(probes: 2, steps: 4).logDeterminant(indefinite, using: &generator)
        }
        // NaN in the operator is named as such, not as a failed Cholesky of the tridiagonal.
        var broken = a
        broken[2, 2] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "StochasticLanczosQuadrature.logDeterminant",
                                                          argument: "A·q")) {
            try StochasticLanczosQuadrature<Scalar>(probes: 2, steps: 4).logDeterminant(broken, using: &generator)
        }
    }

    @Test("SLQ log-determinant within Hutchinson's error on log A, Float") func float() throws {
        try logDeterminant(Float.self)
    }
    @Test("SLQ log-determinant within Hutchinson's error on log A, Double") func double() throws {
        try logDeterminant(Double.self)
    }
}

@Suite("MINRES on symmetric indefinite operators")
struct MinimumResidualTests {
    func indefinite<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1309)
        let n = 40
        // Eigenvalues ±(1 … 10): indefinite, κ = 10.
        let values: [Scalar] = (0..<n).map { (i: Int) -> Scalar in
            let magnitude: Scalar = 1 + 9 * Scalar(i / 2) / Scalar(n / 2 - 1)
            return i % 2 == 0 ? magnitude : -magnitude
        }
        let a = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
        let tau: Scalar = Scalar.self == Float.self ? 1e-4 : 1e-10
        let solver = try MinimumResidual<Scalar>(options: .init(relativeTolerance: tau))
        let result = try solver.solve(a, b)
        let reference = try LUFactorization(a).solve(b)
        // ‖x − x*‖/‖x*‖ ≤ κ·‖r‖/‖b‖ ≤ κ·τ, plus the reference's and the recurrence's rounding
        // (κ·c·n·eps each).
        let kappa: Scalar = 10
        let bound = kappa * (tau + 2 * Tolerance.backward(Scalar.self, order: n))
        #expect(try result.solution.relativeDistance(to: reference) <= bound)
        // Preconditioned by |A|⁻¹ (SPD), M·A has the two eigenvalues ±1: MINRES ends in two
        // steps in exact arithmetic (three allow for rounding).
        let eigen = try SymmetricEigendecomposition(a)
        let inverseMagnitudes: [Scalar] = eigen.eigenvalues.map { 1 / abs($0) }
        let absoluteInverse = try SymmetricEigendecomposition<Scalar>(
            eigenvalues: inverseMagnitudes, eigenvectors: eigen.eigenvectors)
        let preconditioned = try solver.solve(a, b, preconditioner: absoluteInverse)
        #expect(preconditioned.iterations.allSatisfy { $0 <= 3 }, "\(preconditioned.iterations)")
        #expect(try preconditioned.solution.relativeDistance(to: reference) <= bound)
        // CG is not meant for this operator; MINRES is: CG's curvature check rejects it.
        #expect(throws: LinearAlgebraError.self) { try ConjugateGradients<Scalar>().solve(a, b) }
    }

    @Test("MINRES matches LU on an indefinite operator, plain and preconditioned, Float") func float() throws {
        try indefinite(Float.self)
    }
    @Test("MINRES matches LU on an indefinite operator, plain and preconditioned, Double") func double() throws {
        try indefinite(Double.self)
    }
}
