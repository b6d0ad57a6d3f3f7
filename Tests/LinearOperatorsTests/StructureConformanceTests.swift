import DenseLinearAlgebra
import KronKitTestSupport
import KroneckerOperators
import LinearOperators
import StructuredFactors
import SymmetricEigen
import Testing

/// The conformances and structure-keeping compositions added with the one product spelling:
/// the Kronecker sum's eigendecomposition, the shifted (low-rank + λI) eigendecomposition, the
/// block-diagonal operator, the Kronecker product of diagonals and the inverse of a Kronecker
/// product. Tolerances as in ``ConformanceTests`` (its `tolerance` at order `9n` with the
/// condition-number factor 10; `Tolerance.eigen` where eigenvectors enter).
extension ConformanceTests {
    func decompositionOperators<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1320)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(3, conditionNumber: 3, using: &generator)
        let b = try MatrixEnsemble<Scalar>.positiveDefinite(4, conditionNumber: 3, using: &generator)
        let eigenBound = Tolerance.eigen(Scalar.self, order: 9 * 12, factor: 10 * Tolerance.eigenproblemRatio)
        // A ⊕ B of SPD factors of condition ≤ 3 has condition ≤ 3.
        let sumDense = try denseKronecker(a, .identity(4)) + denseKronecker(.identity(3), b)
        expectPasses(try KroneckerSum(a, b).symmetricEigendecomposition(), sumDense, eigenBound,
                     "KroneckerSumEigendecomposition")
        // Q₂·diag(d₂)·Q₂ᵀ + 0.5·I from the two largest eigenpairs of a 6 × 6 SPD matrix with
        // eigenvalues in [1, 8]: eigenvalues {d₁ + 0.5, d₂ + 0.5, 0.5 ×4}, condition ≤ 17 (the
        // eigen bound carries the factor 10; 17/10 is absorbed by LAPACK's ratio 60 against the
        // empirical ≤ 10 of random matrices, see Tolerance).
        let values: [Scalar] = [1, 2, 3, 5, 7, 8]
        let matrix = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        let complete = try SymmetricEigendecomposition(matrix)
        let partial = try SymmetricEigendecomposition<Scalar>.largest(2, of: matrix)
        let top = complete.eigenvalues.indices.sorted { complete.eigenvalues[$0] > complete.eigenvalues[$1] }.prefix(2)
        var lowRankPlusShift = try Matrix<Scalar>(rows: 6, columns: 6) { i, j in
            top.reduce(0) { $0 + complete.eigenvalues[$1] * complete.eigenvectors[i, $1] * complete.eigenvectors[j, $1] }
        }
        try lowRankPlusShift.addToDiagonal(0.5)
        let shiftedBound = Tolerance.eigen(Scalar.self, order: 9 * 6, factor: 20 * Tolerance.eigenproblemRatio)
        expectPasses(try ShiftedEigendecomposition(partial, shift: 0.5), lowRankPlusShift, shiftedBound,
                     "partial decomposition + 0.5·I")
        expectPasses(try ShiftedEigendecomposition(complete, shift: 0), matrix, shiftedBound,
                     "complete decomposition + 0·I")
        // Without a shift the partial form has rank 2: its solve and determinant must throw.
        lowRankPlusShift = try partial.dense()
        expectPasses(try ShiftedEigendecomposition(partial, shift: 0), lowRankPlusShift, shiftedBound,
                     invertible: false, "partial decomposition + 0·I")
        #expect(throws: LinearAlgebraError.self) { try ShiftedEigendecomposition(partial, shift: -1) }
        #expect(throws: LinearAlgebraError.self) { try ShiftedEigendecomposition(partial, shift: .nan) }
    }

    @Test("Kronecker-sum and shifted partial eigendecompositions, Float") func decompositionsFloat() throws {
        try decompositionOperators(Float.self)
    }
    @Test("Kronecker-sum and shifted partial eigendecompositions, Double") func decompositionsDouble() throws {
        try decompositionOperators(Double.self)
    }

    func structureKeepingCompositions<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1321)
        let first = try MatrixEnsemble<Scalar>.positiveDefinite(3, conditionNumber: 3, using: &generator)
        let second = try MatrixEnsemble<Scalar>.positiveDefinite(2, conditionNumber: 3, using: &generator)
        // diag(A, B) of SPD blocks: solvable, with determinant det A·det B, condition ≤ 9.
        let blockDense = try Matrix<Scalar>(rows: 5, columns: 5) { i, j in
            i < 3 && j < 3 ? first[i, j] : (i >= 3 && j >= 3 ? second[i - 3, j - 3] : 0)
        }
        expectPasses(try BlockDiagonalOperator([first, second]), blockDense, tolerance(Scalar.self, order: 5),
                     "BlockDiagonalOperator of SPD blocks")
        // Rectangular blocks 2×3 and 3×2: square overall but its blocks are not, so the solve and
        // the determinant must throw.
        let wide = try Matrix<Scalar>.randomGaussian(rows: 2, columns: 3, using: &generator)
        let tall = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 2, using: &generator)
        let rectangularDense = try Matrix<Scalar>(rows: 5, columns: 5) { i, j in
            i < 2 && j < 3 ? wide[i, j] : (i >= 2 && j >= 3 ? tall[i - 2, j - 3] : 0)
        }
        expectPasses(try BlockDiagonalOperator([wide, tall]), rectangularDense, tolerance(Scalar.self, order: 5),
                     invertible: false, "BlockDiagonalOperator of rectangular blocks")
        expectPasses(try BlockDiagonalOperator([Matrix<Scalar>]()), Matrix<Scalar>(), tolerance(Scalar.self, order: 1),
                     "empty BlockDiagonalOperator")
        // diag(a) ⊗ diag(b) stays a DiagonalMatrix (the overload's static result type).
        let da = try DiagonalMatrix<Scalar>(diagonal: [1, -2, 3]), db = try DiagonalMatrix<Scalar>(diagonal: [0.5, 4])
        let diagonalProduct: DiagonalMatrix<Scalar> = try kroneckerProduct(da, db)
        expectPasses(diagonalProduct, try denseKronecker(da.dense(), db.dense()), tolerance(Scalar.self, order: 6),
                     "diag ⊗ diag")
        // (A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹ of eigendecompositions (condition ≤ 9), against the dense inverse.
        let product = try kroneckerProduct(SymmetricEigendecomposition(first), SymmetricEigendecomposition(second))
        let inverseDense = try CholeskyFactorization(denseKronecker(first, second)).inverse()
        let eigenBound = Tolerance.eigen(Scalar.self, order: 9 * 6, factor: 10 * Tolerance.eigenproblemRatio)
        expectPasses(try product.inverse(), inverseDense, eigenBound, "(A ⊗ B)⁻¹ as A⁻¹ ⊗ B⁻¹")
    }

    @Test("Block diagonal, diag ⊗ diag, inverse of a Kronecker product, Float") func structureFloat() throws {
        try structureKeepingCompositions(Float.self)
    }
    @Test("Block diagonal, diag ⊗ diag, inverse of a Kronecker product, Double") func structureDouble() throws {
        try structureKeepingCompositions(Double.self)
    }
}
