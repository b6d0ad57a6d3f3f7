import DenseLinearAlgebra
import HierarchicalMatrices
import KronKitTestSupport
import KroneckerOperators
import LinearOperators
import StructuredFactors
import SymmetricEigen
import Testing

/// Every conformance against its dense form through the one shared checker.
///
/// Tolerance: each checked quantity is at most three backward-stable products (the product
/// with the transpose composed with a Kronecker factor) on operators of order at most `3n`
/// (the `A ⊗ M` composition with a 2 × 3 `M`), so its relative error is below
/// `3·γ_{3n}·c` with LAPACK's ratio `c = 30`: ``Tolerance/backward(_:order:factor:)`` at
/// order `9n`. Solves are of matrices with condition number at most 10 (the residual is
/// backward stable, the Newton-doubling Toeplitz and Woodbury solves forward stable with that
/// condition number), which is the extra factor 10.
@Suite("Every LinearOperator conformance against its dense form")
struct ConformanceTests {
    func tolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type, order n: Int) -> Scalar {
        Tolerance.backward(Scalar.self, order: 9 * n, factor: 10 * Tolerance.linearEquationsRatio)
    }

    func expectPasses<Op: LinearOperator>(
        _ op: Op, _ dense: Matrix<Op.Scalar>, _ tolerance: Op.Scalar, invertible: Bool = true, _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let failures = checkOperator(op, against: dense, tolerance: tolerance, invertible: invertible)
        #expect(failures.isEmpty, "\(name): \(failures.map(\.description).joined(separator: "; "))",
                sourceLocation: sourceLocation)
    }

    func denseMatrices<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1301)
        let square = try MatrixEnsemble<Scalar>.positiveDefinite(5, conditionNumber: 10, using: &generator)
        expectPasses(square, square, tolerance(Scalar.self, order: 5), "SPD 5×5")
        var indefinite = try Matrix<Scalar>.randomGaussian(rows: 4, columns: 4, using: &generator)
        try indefinite.addToDiagonal(8) // diagonally dominant: condition number below 10
        expectPasses(indefinite, indefinite, tolerance(Scalar.self, order: 4), "nonsymmetric 4×4")
        let wide = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 5, using: &generator)
        expectPasses(wide, wide, tolerance(Scalar.self, order: 5), "rectangular 3×5")
        expectPasses(Matrix<Scalar>(), Matrix<Scalar>(), tolerance(Scalar.self, order: 1), "empty")
    }

    func compositionTypes<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1310)
        let spd = try MatrixEnsemble<Scalar>.positiveDefinite(5, conditionNumber: 10, using: &generator)
        // The inverse of a condition-10 matrix: its dense reference by Cholesky, both c·n·eps·κ.
        let inverse = try InverseOperator(SymmetricEigendecomposition(spd))
        let eigenBound = Tolerance.eigen(Scalar.self, order: 9 * 5, factor: 10 * Tolerance.eigenproblemRatio)
        expectPasses(inverse, try CholeskyFactorization(spd).inverse(), eigenBound, "InverseOperator")
        expectPasses(try IdentityOperator<Scalar>(order: 4), try Matrix<Scalar>.identity(4),
                     tolerance(Scalar.self, order: 4), "IdentityOperator")
    }

    @Test("InverseOperator and IdentityOperator, Float") func compositionFloat() throws {
        try compositionTypes(Float.self)
    }
    @Test("InverseOperator and IdentityOperator, Double") func compositionDouble() throws {
        try compositionTypes(Double.self)
    }

    @Test("Matrix, Float") func denseFloat() throws { try denseMatrices(Float.self) }
    @Test("Matrix, Double") func denseDouble() throws { try denseMatrices(Double.self) }

    func kroneckerOperators<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1302)
        // Factors of condition number ≤ √10 each, so the product's is ≤ 10.
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(3, conditionNumber: 3, using: &generator)
        let b = try MatrixEnsemble<Scalar>.positiveDefinite(4, conditionNumber: 3, using: &generator)
        let product = try KroneckerProduct(a, b)
        expectPasses(product, try denseKronecker(a, b), tolerance(Scalar.self, order: 12), "KroneckerProduct")
        let rectangular = try KroneckerProduct(
            Matrix<Scalar>.randomGaussian(rows: 2, columns: 3, using: &generator),
            Matrix<Scalar>.randomGaussian(rows: 3, columns: 2, using: &generator))
        // Square (6 × 6) but of rank ≤ 2·2: singular, so its solve and determinant must throw.
        expectPasses(rectangular, try denseKronecker(rectangular.factors[0], rectangular.factors[1]),
                     tolerance(Scalar.self, order: 6), invertible: false, "rectangular KroneckerProduct")
        // The sum of SPD factors of condition ≤ 3 has condition ≤ 3.
        let sum = try KroneckerSum(a, b)
        let identityA = try Matrix<Scalar>.identity(3), identityB = try Matrix<Scalar>.identity(4)
        let sumDense = try denseKronecker(a, identityB) + denseKronecker(identityA, b)
        expectPasses(sum, sumDense, tolerance(Scalar.self, order: 12), "KroneckerSum")
        // The generic Kronecker product of two operators, solvable because both factors are.
        let eigenA = try SymmetricEigendecomposition(a)
        let generic = try KroneckerProductOperator(eigenA, b)
        expectPasses(generic, try denseKronecker(a, b), tolerance(Scalar.self, order: 12), "eigen(A) ⊗ B")
        // The Kronecker eigendecomposition (eigen-tolerance: the factors' residuals), and the
        // damped inverse (A ⊗ B + 0.5·I)⁻¹ against the dense inverse (condition ≤ 10 + 0.5 over 0.5+…).
        let kroneckerEigen = try KroneckerEigendecomposition(eigenA, SymmetricEigendecomposition(b))
        let eigenBound = Tolerance.eigen(Scalar.self, order: 9 * 12, factor: 10 * Tolerance.eigenproblemRatio)
        expectPasses(kroneckerEigen, try denseKronecker(a, b), eigenBound, "KroneckerEigendecomposition")
        var damped = try denseKronecker(a, b)
        try damped.addToDiagonal(0.5)
        let dampedInverse = try DampedKroneckerInverse(kroneckerEigen, damping: 0.5)
        expectPasses(dampedInverse, try CholeskyFactorization(damped).inverse(), eigenBound, "DampedKroneckerInverse")
    }

    @Test("KroneckerProduct, KroneckerSum, generic Kronecker, Float") func kroneckerFloat() throws {
        try kroneckerOperators(Float.self)
    }
    @Test("KroneckerProduct, KroneckerSum, generic Kronecker, Double") func kroneckerDouble() throws {
        try kroneckerOperators(Double.self)
    }

    func eigendecompositions<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1303)
        let values: [Scalar] = [-2, -1, 0.5, 1.5, 3, 4]
        let matrix = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        let complete = try SymmetricEigendecomposition(matrix)
        // Eigen-tolerance: the decomposition's residual is Tolerance.eigen; condition ≤ 8.
        let bound = Tolerance.eigen(Scalar.self, order: 9 * 6, factor: 8 * Tolerance.eigenproblemRatio)
        expectPasses(complete, matrix, bound, "complete decomposition")
        // The rank-2 part Σ dⱼ qⱼqⱼᵀ of the two largest, built from the complete decomposition.
        let partial = try SymmetricEigendecomposition<Scalar>.largest(2, of: matrix)
        let top = complete.eigenvalues.indices.sorted { complete.eigenvalues[$0] > complete.eigenvalues[$1] }.prefix(2)
        let rankTwo = try Matrix<Scalar>(rows: 6, columns: 6) { i, j in
            top.reduce(0) { $0 + complete.eigenvalues[$1] * complete.eigenvectors[i, $1] * complete.eigenvectors[j, $1] }
        }
        expectPasses(partial, rankTwo, bound, invertible: false, "partial decomposition (rank 2)")
    }

    @Test("SymmetricEigendecomposition, complete and partial, Float") func eigenFloat() throws {
        try eigendecompositions(Float.self)
    }
    @Test("SymmetricEigendecomposition, complete and partial, Double") func eigenDouble() throws {
        try eigendecompositions(Double.self)
    }

    func hodlr<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let n = 48
        // exp(−|xᵢ − xⱼ|) on a grid: off-diagonal blocks of numerical rank ≪ n.
        let kernel = try Matrix<Scalar>(rows: n, columns: n) { i, j in
            Scalar.exp(-abs(Scalar(i - j)) / Scalar(n))
        }
        var generator = Xoshiro256StarStar(seed: 1307)
        let compressed = try HODLRMatrix(compressing: kernel, options: .init(leafSize: 8), using: &generator)
        // Against the original: the compression error ‖A − H‖_F ≤ τ_est·‖A‖_F enters every
        // product once (twice in H·Hᵀ), plus the rounding bound.
        let bound = 3 * compressed.estimatedRelativeError + tolerance(Scalar.self, order: n)
        expectPasses(compressed, kernel, bound, "HODLR of a smooth kernel")
        // The factorization is the solvable operator H: checked against H's dense form, so only
        // rounding enters. The kernel is the KMS matrix ρ^|i−j| (ρ = e^{−1/n}), with eigenvalues in
        // [(1−ρ)/(1+ρ), (1+ρ)/(1−ρ)] ⊂ (0, 97); shifted by n·I its condition number is below
        // (97 + 48)/48 ≈ 3, within the factor 10 of `tolerance`.
        var shifted = kernel
        try shifted.addToDiagonal(Scalar(n))
        let shiftedHODLR = try HODLRMatrix(compressing: shifted, options: .init(leafSize: 8), using: &generator)
        expectPasses(try shiftedHODLR.factorized(), try shiftedHODLR.dense(), tolerance(Scalar.self, order: n),
                     "HODLR factorization")
    }

    @Test("HODLRMatrix, Float") func hodlrFloat() throws { try hodlr(Float.self) }
    @Test("HODLRMatrix, Double") func hodlrDouble() throws { try hodlr(Double.self) }

    func structured<Scalar: LinearAlgebraScalar, S: StructuredMatrix<Scalar>>(
        _: S.Type, order n: Int, layout: S.Layout, using generator: inout Xoshiro256StarStar
    ) throws {
        // Π(GᵀG/n + 2I): a diagonally dominant structure, condition well below 10.
        var symmetric = try Matrix<Scalar>.randomUniform(rows: n, columns: n, using: &generator).gram(.transpose)
        symmetric.scale(by: 1 / Scalar(n))
        try symmetric.addToDiagonal(2)
        let s = try S.projecting(symmetric, layout: layout)
        expectPasses(s, try s.dense(), tolerance(Scalar.self, order: n), "\(S.self)")
    }

    func structures<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1304)
        try structured(DenseFactor<Scalar>.self, order: 6, layout: .init(), using: &generator)
        try structured(DiagonalMatrix<Scalar>.self, order: 6, layout: .init(), using: &generator)
        try structured(BlockDiagonalMatrix<Scalar>.self, order: 7, layout: .init(blockSize: 3), using: &generator)
        try structured(LowerTriangularToeplitz<Scalar>.self, order: 6, layout: .init(), using: &generator)
        try structured(UpperTriangularToeplitz<Scalar>.self, order: 6, layout: .init(), using: &generator)
        try structured(HierarchicalFactor<Scalar>.self, order: 8,
                       layout: .init(topLeftOrder: 2, bottomRightOrder: 3), using: &generator)
        // The projection of LowRankPlusDiagonal is `0 + I·M·I` (singular diagonal, no Woodbury
        // solve); build one with a positive diagonal instead.
        let lowRank = try LowRankPlusDiagonal(
            diagonal: [2, 3, 2.5, 4, 2, 3], factor: Matrix<Scalar>.randomUniform(rows: 6, columns: 2, using: &generator))
        expectPasses(lowRank, try lowRank.dense(), tolerance(Scalar.self, order: 6), "LowRankPlusDiagonal")
    }

    @Test("Every StructuredMatrix, Float") func structuredFloat() throws { try structures(Float.self) }
    @Test("Every StructuredMatrix, Double") func structuredDouble() throws { try structures(Double.self) }
}
