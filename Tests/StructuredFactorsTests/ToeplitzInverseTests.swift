import DenseLinearAlgebra
import StructuredFactors
import Testing
import KronKitTestSupport

/// The Newton-doubling inverse and the structured products of triangular Toeplitz matrices
/// against LAPACK's triangular solve (`?trtrs`) of the dense matrix.
@Suite("Triangular Toeplitz inverses by Newton doubling")
struct ToeplitzInverseTests {
    func inverses<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 11)
        for n in [1, 2, 3, 7, 40, 100] {
            let lower = try LowerTriangularToeplitz(column: dominantToeplitzColumn(n, using: &generator) as [Scalar])
            let upper = try UpperTriangularToeplitz(row: dominantToeplitzColumn(n, using: &generator) as [Scalar])
            // A diagonally dominant t (Σ_{k≥1}|t_k| < t₀/1.4) has cond(L) ≤ ~5 and an inverse whose
            // entries decay; both methods are then accurate to c·n·eps (trtrs: Higham 2002, Thm 8.5;
            // Newton: c·log n·eps per step, see Notes/StructuredFactors.md).
            let bound = Tolerance.backward(Scalar.self, order: n)
            let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
            let lowerInverse = try Matrix.solveTriangular(lower.dense(), .identity(n), triangle: .lower)
            #expect(try lower.inverse().dense().relativeDistance(to: lowerInverse) <= bound)
            #expect(try lower.solve(b).relativeDistance(to: Matrix.solveTriangular(lower.dense(), b, triangle: .lower)) <= bound)
            let upperInverse = try Matrix.solveTriangular(upper.dense(), .identity(n), triangle: .upper)
            #expect(try upper.inverse().dense().relativeDistance(to: upperInverse) <= bound)
            #expect(try upper.solve(b).relativeDistance(to: Matrix.solveTriangular(upper.dense(), b, triangle: .upper)) <= bound)
            // The inverse times the matrix is the identity, in the structure.
            #expect(try lower.multiplied(by: lower.inverse()).dense().relativeDistance(to: .identity(n)) <= bound)
            // Products of two structured matrices stay in the structure and match the dense product.
            let other = try LowerTriangularToeplitz(column: Scalar.randomGaussians(count: n, using: &generator))
            try checkProduct(lower, other, other: .identity(order: n + 1), tolerance: bound)
            try checkProduct(upper, other.transposed, other: .identity(order: n + 1), tolerance: bound)
        }
        // The empty matrix is its own inverse.
        #expect(try LowerTriangularToeplitz<Scalar>(column: []).inverse().order == 0)
    }

    @Test func newtonInverseMatchesTheDenseTriangularSolve() throws {
        try inverses(Float.self)
        try inverses(Double.self)
    }

    func singular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let lower = try LowerTriangularToeplitz<Scalar>(column: [0, 1, 2])
        #expect(throws: LinearAlgebraError.singularMatrix(operation: "LowerTriangularToeplitz.inverse", index: 1)) {
            try lower.inverse()
        }
        #expect(throws: LinearAlgebraError.singularMatrix(operation: "UpperTriangularToeplitz.inverse", index: 1)) {
            try lower.transposed.inverse()
        }
        #expect(throws: LinearAlgebraError.self) { try lower.solve(Matrix(rows: 3, columns: 1, repeating: 1)) }
        let fine = try LowerTriangularToeplitz<Scalar>(column: [1, 1, 2])
        #expect(throws: LinearAlgebraError.self) { try fine.solve(Matrix(rows: 2, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try LowerTriangularToeplitz<Scalar>(column: [1, .nan]) }
        #expect(throws: LinearAlgebraError.self) { try UpperTriangularToeplitz<Scalar>(row: [.infinity]) }
        // t = (1, −2): the inverse (1, 2, 4, 8, …) grows like 2ⁿ and overflows for n = 200 in Float.
        if Scalar.self == Float.self {
            let growing = try LowerTriangularToeplitz<Scalar>(column: [1, -2] + [Scalar](repeating: 0, count: 198))
            #expect(throws: LinearAlgebraError.self) { try growing.inverse() }
        }
    }

    @Test func singularOrOverflowingInversesThrow() throws {
        try singular(Float.self)
        try singular(Double.self)
    }
}
