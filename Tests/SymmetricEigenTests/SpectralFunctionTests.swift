import DenseLinearAlgebra
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Spectral functions on a decomposition")
struct SpectralFunctionTests {
    func functions<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 41)
        for n in propertySizes {
            let kappa = 1e3
            let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: kappa, using: &generator)
            let eig = try SymmetricEigendecomposition(m)
            // Functions of an SPD matrix with eigenvalues in [1/κ, 1]: results whose
            // norms grow like κ^s carry relative error c·n·eps·κ^s.
            let tolerance = Tolerance.eigen(Scalar.self, order: n)
            let inverse = try eig.inverse()
            #expect(try (m * inverse).relativeDistance(to: .identity(n)) <= tolerance * Scalar(kappa))
            #expect(inverse.isSymmetric())
            let root = try eig.squareRoot()
            #expect(try (root * root).relativeDistance(to: m) <= tolerance)
            let inverseRoot = try eig.inversePthRoot(2)
            #expect(try (inverseRoot * root).relativeDistance(to: .identity(n)) <= tolerance * Scalar(kappa.squareRoot()))
            let fourth = try eig.inversePthRoot(4)
            let fourthSquared = try fourth * fourth
            #expect(try fourthSquared.relativeDistance(to: inverseRoot) <= tolerance * Scalar(kappa.squareRoot()))
            let squared = try eig.applying { $0 * $0 }
            #expect(try squared.relativeDistance(to: m * m) <= tolerance)
            // Damped inverse against a Cholesky solve of M + λI (condition ≤ (1 + λ)/λ).
            let lambda: Scalar = 1e-2
            let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
            var shifted = m
            try shifted.addToDiagonal(lambda)
            let reference = try CholeskyFactorization(shifted).solve(x)
            let damped = try eig.dampedInverse(applyingTo: x, damping: lambda)
            #expect(try damped.relativeDistance(to: reference) <= tolerance * (1 + 1 / lambda))
        }
    }

    @Test func inverseRootsAndDampedInverseMatchDenseReferences() throws {
        try functions(Float.self)
        try functions(Double.self)
    }

    func partial<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 42)
        let n = 30
        let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .spikedDecay(spikes: 4),
                                                            conditionNumber: 1e4, using: &generator)
        let top = try SymmetricEigendecomposition.largest(6, of: m)
        let lowRank = try top.reconstructed()
        let lambda: Scalar = 0.1
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 4, using: &generator)
        var shifted = lowRank
        try shifted.addToDiagonal(lambda)
        // Exact inverse of the rank-6 matrix plus λI (Woodbury form) against Cholesky;
        // cond(M̃ + λI) ≤ (1 + λ)/λ = 11.
        let reference = try CholeskyFactorization(shifted).solve(x)
        let damped = try top.dampedInverse(applyingTo: x, damping: lambda)
        #expect(try damped.relativeDistance(to: reference) <= Tolerance.eigen(Scalar.self, order: n, factor: 200))
        // f on the captured subspace: √ of the rank-6 part squares back to it.
        let root = try top.squareRoot()
        #expect(try (root * root).relativeDistance(to: lowRank) <= Tolerance.eigen(Scalar.self, order: n))
        #expect(throws: LinearAlgebraError.self) { try top.inverse() }
        #expect(throws: LinearAlgebraError.self) { try top.inversePthRoot(2) }
        #expect(throws: LinearAlgebraError.self) { try top.dampedInverse(applyingTo: x, damping: 0) }
    }

    @Test func partialDecompositionsActOnTheirSubspace() throws {
        try partial(Float.self)
        try partial(Double.self)
    }

    func clamping<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 43)
        // A PSD factor whose two smallest eigenvalues came out slightly negative
        // (by 10³ and 10² ulps, well above the solver's c·n·eps error).
        let values: [Scalar] = [-1000 * .ulpOfOne, -100 * .ulpOfOne, 0.25, 0.5, 1]
        let m = try symmetricMatrix(values, using: &generator)
        let eig = try SymmetricEigendecomposition(m)
        #expect(throws: LinearAlgebraError.self) { try eig.squareRoot() }
        #expect(throws: LinearAlgebraError.self) { try eig.inversePthRoot(4) }
        let (clamped, count) = try eig.clamped(atLeast: 0)
        #expect(count == 2)
        #expect(clamped.eigenvalues.allSatisfy { $0 >= 0 })
        #expect(clamped.eigenvectors == eig.eigenvectors)
        let root = try clamped.squareRoot()
        // Clamping moved the spectrum by ≤ 10³ ulps, so √·√ is within that of M.
        #expect(try (root * root).relativeDistance(to: m) <= Tolerance.eigen(Scalar.self, order: 5, factor: 1000))
        let (floored, floorCount) = try eig.clamped(atLeast: 1e-3)
        #expect(floorCount == 2)
        _ = try floored.inversePthRoot(4)
        #expect(throws: LinearAlgebraError.self) { try eig.clamped(atLeast: .nan) }
    }

    @Test func clampingReportsHowManyEigenvaluesMoved() throws {
        try clamping(Float.self)
        try clamping(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 44)
        let singular = try symmetricMatrix([0, 1, 2] as [Scalar], using: &generator)
        var eig = try SymmetricEigendecomposition(singular)
        // Force an exact zero so the singular path is deterministic.
        eig = try SymmetricEigendecomposition(eigenvalues: [0, 1, 2], eigenvectors: eig.eigenvectors)
        #expect {
            try eig.inverse()
        } throws: { error in
            if case .singularEigenvalue(_, 1, 0) = error as? LinearAlgebraError { return true }
            return false
        }
        let x = try Matrix<Scalar>(rows: 3, columns: 2, repeating: 1)
        // Numerically singular (the all-ones matrix: eigenvalues 0, 0, 3 up to rounding): refused
        // as an LU solve refuses it, where 1/dᵢ of the rounding gave entries of order 1/eps.
        let ones = try SymmetricEigendecomposition(try Matrix<Scalar>(rows: 3, columns: 3, repeating: 1))
        for attempt in [{ _ = try ones.inverse() }, { _ = try ones.solve(x) }] {
            #expect {
                try attempt()
            } throws: { error in
                if case .numericallySingular = error as? LinearAlgebraError { return true }
                if case .singularEigenvalue(_, _, 0) = error as? LinearAlgebraError { return true }  // rounding to 0
                return false
            }
        }
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: x, damping: -1) }
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: x, damping: .nan) }
        #expect(throws: LinearAlgebraError.self) {
            try eig.dampedInverse(applyingTo: Matrix<Scalar>(rows: 2, columns: 2), damping: 1)
        }
        var poisoned = x
        poisoned[1, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: poisoned, damping: 1) }
        #expect(throws: LinearAlgebraError.self) { try eig.inversePthRoot(0) }
        #expect(throws: LinearAlgebraError.self) { try eig.inversePthRoot(-2) }
        #expect(throws: LinearAlgebraError.self) { try eig.applying { $0 == 0 ? .infinity : $0 } }
        let valuesOnly = try SymmetricEigendecomposition(singular, options: .init(computeVectors: false))
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.reconstructed() }
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.squareRoot() }
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.inverse() }
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.applying { $0 } }
        #expect(throws: LinearAlgebraError.self) { try valuesOnly.dampedInverse(applyingTo: x, damping: 1) }
    }

    @Test func badInputToSpectralFunctionsThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }

    func nearlySingular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 46)
        let q = try SymmetricEigendecomposition(symmetricMatrix([1, 2, 3] as [Scalar], using: &generator)).eigenvectors
        // A subnormal eigenvalue is not zero, but 1/d overflows to +∞: the inverse is
        // numerically singular and must throw rather than return a matrix of ±∞.
        let tiny = Scalar.leastNonzeroMagnitude
        let subnormal = try SymmetricEigendecomposition(eigenvalues: [1, tiny, 2], eigenvectors: q)
        #expect { try subnormal.inverse() } throws: { isSingular($0, at: 2) }
        let x = try Matrix<Scalar>(rows: 3, columns: 2, repeating: 1)
        #expect { try subnormal.dampedInverse(applyingTo: x, damping: 0) } throws: { isSingular($0, at: 2) }
        // d^{−1/p} overflows for the smallest normal d and p = 1/2 (d⁻² > greatestFiniteMagnitude).
        let normal = Scalar.leastNormalMagnitude
        let smallNormal = try SymmetricEigendecomposition(eigenvalues: [1, 2, normal], eigenvectors: q)
        #expect { try smallNormal.inversePthRoot(0.5) } throws: { isSingular($0, at: 3) }
        // d + λ = −N + 0.75·N = −N/4 is subnormal (exactly, by Sterbenz) with a reciprocal beyond the range.
        let negativeNormal = try SymmetricEigendecomposition(eigenvalues: [1, 2, -normal], eigenvectors: q)
        #expect { try negativeNormal.dampedInverse(applyingTo: x, damping: normal * 0.75) } throws: { isSingular($0, at: 3) }
        // A negative damping is no damping: refused as KroneckerDampingSplit refuses it.
        #expect {
            try smallNormal.dampedInverse(applyingTo: x, damping: -normal * 0.75)
        } throws: { error in
            if case let .invalidArgument(_, detail) = error as? LinearAlgebraError { return detail.contains("must be finite and ≥ 0") }
            return false
        }
        _ = try smallNormal.inversePthRoot(4)
        // A partial decomposition's complement X/λ with a subnormal λ overflows.
        let partial = try SymmetricEigendecomposition(eigenvalues: [2], eigenvectors: q.columns(0..<1))
        #expect { try partial.dampedInverse(applyingTo: x, damping: tiny) } throws: { isSingular($0, at: 2) }
        _ = try partial.dampedInverse(applyingTo: x, damping: 1)
    }

    @Test func numericallySingularInversesThrowInsteadOfOverflowing() throws {
        try nearlySingular(Float.self)
        try nearlySingular(Double.self)
    }
}
