import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing

/// The `into:workspace:` forms give the allocating forms' results bit for bit, with one
/// workspace reused across products of different shapes and factor counts, and leave
/// `result` alone when they throw.
@Suite("Kronecker workspaces: in-place products, damped inverses and sum solves")
struct WorkspaceTests {
    func reuse<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 71)
        var workspace = KroneckerWorkspace<Scalar>()
        var result = Matrix<Scalar>()
        // Growing and shrinking shapes, two and three factors (three use both intermediates).
        for (shape, k) in zip(productShapes + productShapes.reversed(), [3, 1, 5, 2, 4, 6, 2, 1, 3, 5, 2, 1, 4, 3]) {
            let factors = try shape.map { try Matrix<Scalar>.randomGaussian(rows: $0.0, columns: $0.1, using: &generator) }
            let product = try KroneckerProduct(factors)
            for transpose in [Transpose.none, .transpose] {
                let inputRows = transpose == .none ? product.columns : product.rows
                let x = try Matrix<Scalar>.randomGaussian(rows: inputRows, columns: k, using: &generator)
                try transpose == .none
                    ? product.apply(to: x, into: &result, workspace: &workspace)
                    : product.applyTransposed(to: x, into: &result, workspace: &workspace)
                let expected = try transpose == .none ? product.apply(to: x) : product.applyTransposed(to: x)
                #expect(result == expected, "shape \(shape), k = \(k), \(transpose)")
            }
        }
        #expect(workspace.capacity > 0)
        // The damped inverse, complete and partial, and a Kronecker-sum solve.
        let a = try FactorKind.positiveDefinite.matrix(6, using: &generator) as Matrix<Scalar>
        let g = try FactorKind.indefinite.matrix(5, using: &generator) as Matrix<Scalar>
        let x = try Matrix<Scalar>.randomGaussian(rows: 30, columns: 4, using: &generator)
        let complete = try KroneckerProduct(a, g).symmetricEigendecomposition()
        let partial = try KroneckerEigendecomposition(
            factors: [SymmetricEigendecomposition.largest(3, of: a), SymmetricEigendecomposition.largest(2, of: g)])
        for decomposition in [complete, partial] {
            try decomposition.dampedInverse(applyingTo: x, damping: 0.5, into: &result, workspace: &workspace)
            #expect(result == (try decomposition.dampedInverse(applyingTo: x, damping: 0.5)))
        }
        let sum = try KroneckerSum(a, try FactorKind.positiveDefinite.matrix(5, using: &generator) as Matrix<Scalar>)
            .symmetricEigendecomposition()
        try sum.solve(x, shift: 0.25, into: &result, workspace: &workspace)
        #expect(result == (try sum.solve(x, shift: 0.25)))
        // A throwing call leaves the caller's result as it was.
        let kept = result
        #expect(throws: LinearAlgebraError.self) {
            try complete.dampedInverse(applyingTo: Matrix(rows: 7, columns: 2), damping: 0.5, into: &result,
                                       workspace: &workspace)
        }
        #expect(throws: LinearAlgebraError.self) {
            try KroneckerProduct(a, g).apply(to: Matrix(rows: 29, columns: 1), into: &result, workspace: &workspace)
        }
        #expect(result == kept)
    }

    @Test func workspacesGiveTheAllocatingResultsBitForBit() throws {
        try reuse(Float.self)
        try reuse(Double.self)
    }
}
