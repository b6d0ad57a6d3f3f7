import DenseLinearAlgebra
import StructuredFactors
import Testing
import KronKitTestSupport

/// Woodbury solves and determinant-lemma log-determinants of `diag(d) + U·C·Uᵀ` against LU
/// (`?getrf`/`?getrs`) of the dense matrix.
@Suite("Woodbury solve and determinant lemma")
struct WoodburyTests {
    func solves<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 21)
        for (n, r) in [(1, 1), (7, 3), (40, 5), (40, 0)] {
            for negative in [false, true] {
                // d ∈ ±[1, 4], U with entries ~ 1/√n, C = I + 0.3·G/√r (not symmetric, well conditioned):
                // cond(M), cond(D), cond(K) are all O(10), so both methods are accurate to c·n·eps.
                let d = (0..<n).map { _ in (negative ? -1 : 1) * (1 + 3 * abs(Scalar.randomGaussian(using: &generator)) / 4) }
                let u = try Matrix<Scalar>.randomGaussian(rows: n, columns: r, using: &generator).scaled(by: 1 / Scalar(n).squareRoot())
                var c = try Matrix<Scalar>.randomGaussian(rows: r, columns: r, using: &generator).scaled(by: 0.3 / Scalar(Swift.max(r, 1)).squareRoot())
                try c.addToDiagonal(1)
                let m = try LowRankPlusDiagonal(diagonal: d, factor: u, core: c)
                let dense = try LUFactorization(m.dense())
                let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 4, using: &generator)
                let bound = Tolerance.backward(Scalar.self, order: n)
                #expect(try m.solve(b).relativeDistance(to: dense.solve(b)) <= bound)
                let (logAbs, sign) = try m.logAbsoluteDeterminant()
                #expect(abs(logAbs - dense.logAbsoluteDeterminant().logAbs) <= bound * Swift.max(1, abs(logAbs)))
                #expect(sign == dense.logAbsoluteDeterminant().sign)
            }
        }
        // A zero core is allowed (no C⁻¹): M = D.
        let d: [Scalar] = [2, 4]
        let zeroCore = try LowRankPlusDiagonal(diagonal: d, factor: Matrix(rows: 2, columns: 1, repeating: 1),
                                               core: Matrix(rows: 1, columns: 1))
        #expect(try zeroCore.solve(Matrix(column: [2, 4])) == Matrix(column: [1, 1]))
        // A damped Gram matrix XᵀX + λI, exact in the structure, solved by Woodbury.
        let x = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 20, using: &generator)
        let damped = try LowRankPlusDiagonal.projectingGram(of: x).addingToDiagonal(0.5)
        var reference = try x.gram(.transpose)
        try reference.addToDiagonal(0.5)
        let b = try Matrix<Scalar>.randomGaussian(rows: 20, columns: 2, using: &generator)
        // cond(XᵀX + λI) ≈ ‖X‖²/λ ≈ 100: the bound grows by that factor.
        #expect(try damped.solve(b).relativeDistance(to: LUFactorization(reference).solve(b)) <= 100 * Tolerance.backward(Scalar.self, order: 20))
    }

    @Test func woodburySolveAndLogDeterminantMatchDenseLU() throws {
        try solves(Float.self)
        try solves(Double.self)
    }

    func singular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let u = try Matrix<Scalar>(column: [1, 0])
        // d has a zero entry: D⁻¹ does not exist.
        let zeroDiagonal = try LowRankPlusDiagonal<Scalar>(diagonal: [1, 0], factor: u)
        #expect(throws: LinearAlgebraError.singularMatrix(operation: "LowRankPlusDiagonal.solve", index: 2)) {
            try zeroDiagonal.solve(Matrix(rows: 2, columns: 1))
        }
        #expect(throws: LinearAlgebraError.self) { try zeroDiagonal.logAbsoluteDeterminant() }
        // I − e₁e₁ᵀ is singular: the capacitance 1 + 1·(−1) is 0.
        let cancelling = try LowRankPlusDiagonal<Scalar>(diagonal: [1, 1], factor: u, core: Matrix(column: [-1]))
        #expect(throws: LinearAlgebraError.self) { try cancelling.solve(Matrix(rows: 2, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try cancelling.logAbsoluteDeterminant() }
        let fine = try LowRankPlusDiagonal<Scalar>(diagonal: [1, 1], factor: u)
        #expect(throws: LinearAlgebraError.self) { try fine.solve(Matrix(rows: 3, columns: 1)) }
        var poisoned = try Matrix<Scalar>(rows: 2, columns: 1)
        poisoned[1, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try fine.solve(poisoned) }
    }

    @Test func singularMatricesThrow() throws {
        try singular(Float.self)
        try singular(Double.self)
    }
}
