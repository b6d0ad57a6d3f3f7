import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Kronecker sum A ⊗ I + I ⊗ B against the dense matrix")
struct KroneckerSumTests {
    func sums<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 81)
        for (na, nb) in [(0, 3), (1, 1), (1, 5), (6, 4), (8, 8)] {
            for kind in FactorKind.allCases {
                let a = try kind.matrix(na, using: &generator) as Matrix<Scalar>
                let b = try FactorKind.positiveDefinite.matrix(nb, using: &generator) as Matrix<Scalar>
                let sum = try KroneckerSum(a, b)
                let dense = try sum.dense()
                let n = sum.order
                let tolerance = Tolerance.backward(Scalar.self, order: n)
                let norm = Swift.max(1, dense.maxAbsoluteEntry)
                for k in [0, 1, 3] {
                    let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: k, using: &generator)
                    let reference = try dense * x
                    #expect(try maxDifference(sum.apply(to: x), reference) <= tolerance * magnitudeScale(dense, x))
                }
                guard n > 0 else { continue }
                let eig = try sum.symmetricEigendecomposition()
                let denseValues = try SymmetricEigendecomposition(dense).eigenvalues
                #expect(try zip(eig.eigenvalues().sorted(), denseValues).allSatisfy { abs($0 - $1) <= tolerance * norm })
                // Shift so that A ⊕ B + σI is safely nonsingular for the indefinite A:
                // eigenvalues d_A + d_B + σ, and the solve's forward error is c·N·eps·cond.
                let sigma: Scalar = kind == .indefinite ? 0.013 : 0
                let shiftedValues = try eig.eigenvalues().map { abs($0 + sigma) }
                let condition = shiftedValues.max()! / shiftedValues.min()!
                var shifted = dense
                try shifted.addToDiagonal(sigma)
                let c = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
                let x = try sum.solve(c, shift: sigma)
                let reference = try denseSolve(shifted, c)
                #expect(try x.relativeDistance(to: reference) <= tolerance * condition)
            }
        }
    }

    @Test func matvecEigenvaluesAndSolveMatchTheDenseSum() throws {
        try sums(Float.self)
        try sums(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var poisoned = try Matrix<Scalar>.identity(2)
        poisoned[1, 0] = .nan
        #expect(throws: LinearAlgebraError.self) { try KroneckerSum(Matrix<Scalar>(rows: 2, columns: 3), .identity(2)) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerSum(.identity(2), poisoned) }
        let zero = try KroneckerSum(Matrix<Scalar>(rows: 2, columns: 2), Matrix<Scalar>(rows: 3, columns: 3))
        #expect(throws: LinearAlgebraError.self) { try zero.apply(to: Matrix<Scalar>(rows: 5, columns: 1)) }
        let c = try Matrix<Scalar>(rows: 6, columns: 1, repeating: 1)
        #expect {
            try zero.solve(c)
        } throws: { error in
            if case .singularEigenvalue(_, _, 0) = error as? LinearAlgebraError { return true }
            return false
        }
        let eig = try zero.symmetricEigendecomposition()
        #expect(throws: LinearAlgebraError.self) { try eig.solve(Matrix<Scalar>(rows: 5, columns: 1), shift: 1) }
        #expect(throws: LinearAlgebraError.self) { try eig.solve(c, shift: .nan) }
        var poisonedC = c
        poisonedC[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try eig.solve(poisonedC, shift: 1) }
        let top = try SymmetricEigendecomposition.largest(1, of: Matrix<Scalar>.identity(2))
        let full = try SymmetricEigendecomposition(Matrix<Scalar>.identity(2))
        #expect(throws: LinearAlgebraError.self) { try KroneckerSumEigendecomposition(top, full) }
    }

    @Test func badInputToTheKroneckerSumThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
