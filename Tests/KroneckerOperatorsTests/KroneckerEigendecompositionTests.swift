import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Kronecker eigendecomposition, damped inverse and damping splits")
struct KroneckerEigendecompositionTests {
    func eigen<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 71)
        for orders in squareOrders {
            for kind in FactorKind.allCases {
                var factors: [Matrix<Scalar>] = [try kind.matrix(orders[0], using: &generator)]
                for n in orders.dropFirst() { factors.append(try FactorKind.positiveDefinite.matrix(n, using: &generator)) }
                let product = try KroneckerProduct(factors)
                let dense = try product.dense()
                let n = dense.rows
                let norm = Swift.max(1, dense.maxAbsoluteEntry)
                let eig = try product.symmetricEigendecomposition()
                #expect(eig.order == n && eig.isComplete)
                // Each factor's eigenvalues are accurate to c·nᵢ·eps·‖Aᵢ‖ (absolute, any
                // condition number); a product of d of them to d times that, relative to ‖A⊗B‖.
                let tolerance = Tolerance.backward(Scalar.self, order: n)
                let denseValues = try SymmetricEigendecomposition(dense).eigenvalues
                let sorted = try eig.eigenvalues().sorted()
                #expect(zip(sorted, denseValues).allSatisfy { abs($0 - $1) <= tolerance * norm })
                // Q·diag(e)·Qᵀ reproduces the product, Q orthonormal.
                let q = try eig.eigenvectors.dense()
                var scaled = q
                for (j, value) in try eig.eigenvalues().enumerated() {
                    for i in 0..<n { scaled[i, j] *= value }
                }
                #expect(try (scaled * q.transposed()).relativeDistance(to: dense) <= tolerance)
                #expect(try q.gram(.transpose).relativeDistance(to: .identity(n)) <= tolerance)
                #expect(try eig.reconstructed().dense().relativeDistance(to: dense) <= tolerance)
                // Damped inverse (A⊗B + λI)⁻¹X against a dense LU solve. λ keeps the shifted
                // matrix away from singular: cond ≤ (‖A⊗B‖ + λ)/min|e + λ|.
                let lambda: Scalar = kind == .indefinite ? 0.37 : 1e-3
                var shifted = dense
                try shifted.addToDiagonal(lambda)
                let smallest = try eig.eigenvalues().map { abs($0 + lambda) }.min() ?? 1
                let largest = try eig.eigenvalues().map { abs($0 + lambda) }.max() ?? 1
                let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
                let damped = try eig.dampedInverse(applyingTo: x, damping: lambda)
                let reference = try denseSolve(shifted, x)
                let forward = tolerance * largest / smallest
                #expect(try damped.relativeDistance(to: reference) <= forward)
            }
        }
    }

    @Test func eigendecompositionAndDampedInverseMatchTheDenseProduct() throws {
        try eigen(Float.self)
        try eigen(Double.self)
    }

    func kfacRoute<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 72)
        let (dIn, dOut) = (7, 5)
        for kind in FactorKind.allCases {
            let a = try kind.matrix(dIn, using: &generator) as Matrix<Scalar>
            let g = try FactorKind.positiveDefinite.matrix(dOut, using: &generator) as Matrix<Scalar>
            let v = try Matrix<Scalar>.randomGaussian(rows: dOut, columns: dIn, using: &generator)
            let lambda: Scalar = kind == .indefinite ? 0.37 : 1e-2
            let eigA = try SymmetricEigendecomposition(a)
            let eigG = try SymmetricEigendecomposition(g)
            let route = try KroneckerEigendecomposition(eigA, eigG).dampedInverse(applyingToMatrix: v, damping: lambda)
            // The K-FAC formula written out with dense GEMMs.
            var core = try eigG.eigenvectors.transposed() * v * eigA.eigenvectors
            for j in 0..<dIn {
                for i in 0..<dOut { core[i, j] /= eigG.eigenvalues[i] * eigA.eigenvalues[j] + lambda }
            }
            let formula = try eigG.eigenvectors * core * eigA.eigenvectors.transposed()
            // Both evaluate the same four GEMMs and one division, in different association
            // (the route through the library's buffers): they agree to c·n·eps relative to
            // max|formula| times the spread of the divisors, which amplifies the rotation's rounding.
            let values = KroneckerEigendecompositionTests.products(eigA.eigenvalues, eigG.eigenvalues, lambda)
            let spread = values.max()! / values.min()!
            let tolerance = Tolerance.backward(Scalar.self, order: dIn * dOut)
            #expect(try route.relativeDistance(to: formula) <= tolerance * spread)
            // …and the dense solve of (A ⊗ G + λI)·vec(X) = vec(V).
            var shifted = try KroneckerProduct(a, g).dense()
            try shifted.addToDiagonal(lambda)
            let reference = try denseSolve(shifted, Matrix(column: v.elements)).reshaped(rows: dOut, columns: dIn)
            #expect(try route.relativeDistance(to: reference) <= tolerance * spread)
        }
    }

    static func products<Scalar: LinearAlgebraScalar>(_ a: [Scalar], _ g: [Scalar], _ lambda: Scalar) -> [Scalar] {
        a.flatMap { x in g.map { abs(x * $0 + lambda) } }
    }

    @Test func kfacEigenRouteInMatrixForm() throws {
        try kfacRoute(Float.self)
        try kfacRoute(Double.self)
    }

    func partial<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 73)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(8, spectrum: .spikedDecay(spikes: 2), conditionNumber: 1e4,
                                                            using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(6, conditionNumber: 1e3, using: &generator)
        let topA = try SymmetricEigendecomposition.largest(3, of: a)
        let topG = try SymmetricEigendecomposition.largest(2, of: g)
        let eig = try KroneckerEigendecomposition(topA, topG)
        #expect(try !eig.isComplete && eig.eigenvalues().count == 6)
        let lambda: Scalar = 0.05
        // Exact inverse of (Q_A D_A Q_Aᵀ) ⊗ (Q_G D_G Q_Gᵀ) + λI; cond ≤ (1 + λ)/λ = 21.
        var shifted = try eig.reconstructed().dense()
        try shifted.addToDiagonal(lambda)
        let v = try Matrix<Scalar>.randomGaussian(rows: 6, columns: 8, using: &generator)
        let reference = try denseSolve(shifted, Matrix(column: v.elements)).reshaped(rows: 6, columns: 8)
        let damped = try eig.dampedInverse(applyingToMatrix: v, damping: lambda)
        #expect(try damped.relativeDistance(to: reference)
            <= Tolerance.backward(Scalar.self, order: 48, factor: 21 * 10))
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingToMatrix: v, damping: 0) }
    }

    @Test func partialFactorDecompositionsGiveTheLowRankPlusDampingInverse() throws {
        try partial(Float.self)
        try partial(Double.self)
    }

    func splits<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 74)
        let a = try Matrix<Scalar>.identity(3).scaled(by: 4)
        let g = try Matrix<Scalar>.identity(2)
        let lambda: Scalar = 0.09
        let tolerance = 8 * Scalar.ulpOfOne
        // π = sqrt((tr A/3)/(tr G/2)) = 2: μ_A = π√λ = 0.6, μ_G = √λ/π = 0.15.
        let pi = try KroneckerDampingSplit.pi.factorDampings(damping: lambda, factors: [a, g])
        #expect(abs(pi[0] - 0.6) <= tolerance && abs(pi[1] - 0.15) <= tolerance)
        let tikhonov = try KroneckerDampingSplit.tikhonov.factorDampings(damping: lambda, factors: [a, g])
        #expect(tikhonov.allSatisfy { abs($0 - 0.3) <= tolerance })
        let damped = try KroneckerProduct(a, g).damped(lambda, split: .pi).dense()
        let expected = try KroneckerProduct(Matrix<Scalar>.identity(3).scaled(by: 4.6), .identity(2).scaled(by: 1.15)).dense()
        #expect(try damped.relativeDistance(to: expected) <= tolerance)
        // k factors: Π μᵢ = λ and μᵢ ∝ tᵢ (the stationarity condition of Σ μᵢ/tᵢ under Π μᵢ = λ).
        let factors = try [3, 4, 2].map { try MatrixEnsemble<Scalar>.positiveDefinite($0, conditionNumber: 10, using: &generator) }
        let traces = try factors.map { try $0.trace() / Scalar($0.rows) }
        let mus = try KroneckerDampingSplit.pi.factorDampings(damping: lambda, factors: factors)
        #expect(abs(mus.reduce(1, *) - lambda) <= 4 * tolerance * lambda)
        #expect(zip(mus, traces).allSatisfy { abs($0 / $1 - mus[0] / traces[0]) <= 4 * tolerance * mus[0] / traces[0] })
        let threeTikhonov = try KroneckerDampingSplit.tikhonov.factorDampings(damping: Scalar(8), normalizedTraces: [1, 5, 9])
        #expect(threeTikhonov.allSatisfy { abs($0 - 2) <= tolerance * 2 })
        #expect(try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(0), normalizedTraces: [1, 2]) == [0, 0])
    }

    @Test func piAndTikhonovSplitsMultiplyToTheDamping() throws {
        try splits(Float.self)
        try splits(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let rectangular = try KroneckerProduct(Matrix<Scalar>(rows: 2, columns: 3), .identity(2))
        #expect(throws: LinearAlgebraError.self) { try rectangular.symmetricEigendecomposition() }
        #expect(throws: LinearAlgebraError.self) { try KroneckerEigendecomposition<Scalar>(factors: []) }
        let valuesOnly = try SymmetricEigendecomposition(Matrix<Scalar>.identity(2), options: .init(computeVectors: false))
        let full = try SymmetricEigendecomposition(Matrix<Scalar>(diagonal: [1, 2]))
        #expect(throws: LinearAlgebraError.self) { try KroneckerEigendecomposition(valuesOnly, full) }
        let eig = try KroneckerEigendecomposition(full, full)
        let x = try Matrix<Scalar>(rows: 4, columns: 1, repeating: 1)
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: Matrix<Scalar>(rows: 3, columns: 1), damping: 1) }
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: x, damping: .infinity) }
        var poisoned = x
        poisoned[3, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingTo: poisoned, damping: 1) }
        // A negative damping is refused as the damping split refuses it, on every route.
        let negativeDamping = { (error: any Error) -> Bool in
            if case let .invalidArgument(_, detail) = error as? LinearAlgebraError { return detail.contains("damping λ = -1") }
            return false
        }
        #expect(performing: { try eig.dampedInverse(applyingTo: x, damping: -1) }, throws: negativeDamping)
        #expect(performing: { try eig.dampedInverse(applyingToMatrix: Matrix(rows: 2, columns: 2), damping: -1) },
                throws: negativeDamping)
        #expect(performing: {
            try eig.dampedInverse(applyingToMatrix: Matrix(rows: 2, columns: 2), replacingEigenvalues: Matrix(rows: 2, columns: 2),
                                  damping: -1)
        }, throws: negativeDamping)
        #expect(performing: {
            try eig.dampedInverse(applyingToProductOf: Matrix(rows: 2, columns: 1), Matrix(rows: 2, columns: 1), damping: -1)
        }, throws: negativeDamping)
        #expect(performing: { try KroneckerDampingSplit.tikhonov.factorDampings(damping: Scalar(-1), normalizedTraces: [1]) },
                throws: negativeDamping)
        // Eigenvalue (−1)·1 = −1 meets λ = 1.
        let indefinite = try KroneckerEigendecomposition(full, try SymmetricEigendecomposition(Matrix<Scalar>(diagonal: [-1, 2])))
        #expect {
            try indefinite.dampedInverse(applyingTo: x, damping: 1)
        } throws: { error in
            // The eigenvalue 1 of A ⊗ G shifted by λ = −1 is exactly 0.
            if case .singularEigenvalue(_, _, 0) = error as? LinearAlgebraError { return true }
            return false
        }
        #expect(throws: LinearAlgebraError.self) { try eig.dampedInverse(applyingToMatrix: Matrix<Scalar>(rows: 4, columns: 1), damping: 1) }
        // Undamped solves of numerically singular operators (ones₃ ⊗ I₂, and ones₃ ⊕ ones₃ whose
        // eigenvalues 0 + 0 round to about eps): refused as an LU solve refuses them, unless the
        // rounding hits exactly 0, which names the eigenvalue.
        func refusedAsSingular(_ error: any Error) -> Bool {
            switch error as? LinearAlgebraError {
            case .numericallySingular?, .singularEigenvalue?: return true
            default: return false
            }
        }
        let ones = try SymmetricEigendecomposition(try Matrix<Scalar>(rows: 3, columns: 3, repeating: 1))
        let identity = try SymmetricEigendecomposition(try Matrix<Scalar>.identity(2))
        #expect(performing: { try KroneckerEigendecomposition(ones, identity).solve(Matrix(rows: 6, columns: 1, repeating: 1)) },
                throws: refusedAsSingular)
        #expect(performing: { try KroneckerSumEigendecomposition(ones, ones).solve(Matrix(rows: 9, columns: 1, repeating: 1)) },
                throws: refusedAsSingular)
        let three = try KroneckerEigendecomposition(full, full, full)
        #expect(throws: LinearAlgebraError.self) { try three.dampedInverse(applyingToMatrix: Matrix<Scalar>(rows: 2, columns: 4), damping: 1) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(1), normalizedTraces: []) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(-1), normalizedTraces: [1, 1]) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerDampingSplit.tikhonov.factorDampings(damping: Scalar.nan, normalizedTraces: [1]) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(1), normalizedTraces: [1, 0]) }
        #expect(throws: LinearAlgebraError.self) {
            try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(1), factors: [Matrix<Scalar>(rows: 2, columns: 3)])
        }
        #expect(throws: LinearAlgebraError.self) {
            try KroneckerDampingSplit.pi.factorDampings(damping: Scalar(1), factors: [Matrix<Scalar>()])
        }
        #expect(throws: LinearAlgebraError.self) { try rectangular.damped(1, split: .tikhonov) }
    }

    @Test func badInputToTheEigenRouteThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }

    func nearlySingular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Eigenvalues (1, 2) ⊗ (−N, 1) with N the smallest normal number; λ = 0.75·N makes the
        // product eigenvalue −1·N + λ = −N/4 subnormal (exact, Sterbenz), and 1/(−N/4) overflows.
        // It is not zero, yet the result would be ±∞: every route must throw at vec index 1.
        let normal = Scalar.leastNormalMagnitude
        let a = try SymmetricEigendecomposition(Matrix<Scalar>(diagonal: [1, 2]))
        let g = try SymmetricEigendecomposition(Matrix<Scalar>(diagonal: [-normal, 1]))
        let eig = try KroneckerEigendecomposition(a, g)
        let lambda = normal * 0.75
        let v = try Matrix<Scalar>(rows: 2, columns: 2, repeating: 1)
        #expect { try eig.dampedInverse(applyingTo: Matrix(column: v.elements), damping: lambda) } throws: { isSingular($0, at: 1) }
        #expect { try eig.dampedInverse(applyingToMatrix: v, damping: lambda) } throws: { isSingular($0, at: 1) }
        var s = try Matrix<Scalar>(rows: 2, columns: 2, repeating: 1)
        s[1, 1] = -normal
        #expect { try eig.dampedInverse(applyingToMatrix: v, replacingEigenvalues: s, damping: lambda) } throws: { isSingular($0, at: 4) }
        // A partial decomposition's complement X/λ with a subnormal λ: index R + 1.
        let top = try KroneckerEigendecomposition(try .largest(1, of: Matrix<Scalar>(diagonal: [1, 2])), g)
        #expect {
            try top.dampedInverse(applyingToMatrix: v, damping: Scalar.leastNonzeroMagnitude)
        } throws: { isSingular($0, at: 3) }
        // Kronecker sum: eigenvalues d_A[j] + d_B[i] with d_A = (−N, 1), d_B = (0.75·N, 1).
        let sum = try KroneckerSumEigendecomposition(g, try SymmetricEigendecomposition(Matrix<Scalar>(diagonal: [lambda, 1])))
        #expect { try sum.solve(Matrix(column: v.elements)) } throws: { isSingular($0, at: 1) }
    }

    @Test func numericallySingularDampedInversesThrowInsteadOfOverflowing() throws {
        try nearlySingular(Float.self)
        try nearlySingular(Double.self)
    }

    @Test func sizesWhoseProductOverflowsThrow() throws {
        // n × 0 factors hold no entries, so orders near 2³² exist; their product does not fit in Int.
        let tall = try Matrix<Double>(rows: 1 << 32, columns: 0)
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct(tall, tall) }
        let wide = try Matrix<Double>(rows: 0, columns: 1 << 32)
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct(wide, wide) }
        let empty = try SymmetricEigendecomposition(eigenvalues: [], eigenvectors: tall)
        #expect(throws: LinearAlgebraError.self) { try KroneckerEigendecomposition(empty, empty) }
        // Π mᵢ = 2⁶² fits, but 2⁶² rows times 4 columns of result do not.
        let half = try Matrix<Double>(rows: 1 << 31, columns: 0)
        let product = try KroneckerProduct(half, half)
        #expect(product.rows == 1 << 62)
        #expect(throws: LinearAlgebraError.self) { try product.apply(to: Matrix<Double>(rows: 0, columns: 4)) }
    }
}
