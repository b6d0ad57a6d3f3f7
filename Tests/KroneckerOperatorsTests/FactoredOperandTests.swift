import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Matrix-form damped inverse of a rank-m product")
struct FactoredOperandTests {
    func agreesWithTheDenseOperand<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 71)
        let (nA, nG, m) = (9, 7, 3)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(nA, conditionNumber: 1e2, using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(nG, conditionNumber: 1e2, using: &generator)
        let decomposition = try KroneckerEigendecomposition(SymmetricEigendecomposition(a), SymmetricEigendecomposition(g))
        let left = try Matrix<Scalar>.randomGaussian(rows: nG, columns: m, using: &generator)
        let right = try Matrix<Scalar>.randomGaussian(rows: nA, columns: m, using: &generator)
        let product = try left.multiplied(by: right, transposingOther: .transpose)
        let lambda: Scalar = 1e-2
        // Same products in another order: rounding only, times cond(A⊗G + λI) ≤ 1e2.
        let tolerance = Scalar(1e2 * Double(nA + nG) * 10) * Scalar.ulpOfOne
        let dense = try decomposition.dampedInverse(applyingToMatrix: product, damping: lambda)
        let factored = try decomposition.dampedInverse(applyingToProductOf: left, right, damping: lambda)
        #expect(try maxDifference(factored, dense) <= tolerance * dense.maxAbsoluteEntry)
        let s = try Matrix<Scalar>.randomUniform(rows: nG, columns: nA, in: 0.5...2, using: &generator)
        let denseCorrected = try decomposition.dampedInverse(applyingToMatrix: product, replacingEigenvalues: s, damping: lambda)
        let factoredCorrected = try decomposition.dampedInverse(applyingToProductOf: left, right, replacingEigenvalues: s,
                                                                damping: lambda)
        #expect(try maxDifference(factoredCorrected, denseCorrected) <= tolerance * denseCorrected.maxAbsoluteEntry)
    }

    @Test func factoredOperandMatchesTheDenseOne() throws {
        try agreesWithTheDenseOperand(Float.self)
        try agreesWithTheDenseOperand(Double.self)
    }

    @Test func badOperandsThrow() throws {
        let decomposition = try KroneckerEigendecomposition(SymmetricEigendecomposition(Matrix<Double>.identity(3)),
                                                            SymmetricEigendecomposition(Matrix<Double>.identity(2)))
        let g = try Matrix<Double>(rows: 2, columns: 4, repeating: 1)
        let a = try Matrix<Double>(rows: 3, columns: 4, repeating: 1)
        #expect(throws: LinearAlgebraError.self) { try decomposition.dampedInverse(applyingToProductOf: a, g, damping: 1) }
        #expect(throws: LinearAlgebraError.self) {
            try decomposition.dampedInverse(applyingToProductOf: g, a.columns(0..<3), damping: 1)
        }
        var nan = g
        nan[0, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try decomposition.dampedInverse(applyingToProductOf: nan, a, damping: 1) }
        #expect(throws: LinearAlgebraError.self) {
            try decomposition.dampedInverse(applyingToProductOf: g, a, replacingEigenvalues: Matrix(rows: 3, columns: 2), damping: 1)
        }
        #expect(throws: LinearAlgebraError.self) {
            try decomposition.dampedInverse(applyingToProductOf: g, a, damping: .infinity)
        }
    }
}
