import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// The kinds of factor the tests combine.
enum FactorKind: CaseIterable {
    /// Symmetric positive definite, condition number 10².
    case positiveDefinite
    /// Symmetric with Gaussian eigenvalues of both signs, bounded away from 0 (|λ| ≥ 0.1).
    case indefinite
    /// Symmetric positive definite, condition number 10⁸ (beyond 1/eps in Float).
    case illConditioned

    /// The condition number the factor is built with (an upper bound for `.indefinite`).
    var conditionBound: Double {
        switch self {
        case .positiveDefinite: return 1e2
        case .indefinite: return 1e2
        case .illConditioned: return 1e8
        }
    }

    func matrix<Scalar: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar) throws -> Matrix<Scalar> {
        switch self {
        case .positiveDefinite:
            return try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e2, using: &generator)
        case .illConditioned:
            return try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e8, using: &generator)
        case .indefinite:
            // |λ| in [0.1, 10] with random signs: condition ≤ 10².
            let values = (0..<n).map { _ in
                Scalar(Bool.random(using: &generator) ? 1 : -1) * Scalar.random(in: 0.1...10, using: &generator)
            }
            return try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
        }
    }
}

/// Factor shapes for the product tests: two and three factors, square and
/// rectangular, with sizes 0 and 1 among them; every product has ≤ 64 rows and columns.
let productShapes: [[(Int, Int)]] = [
    [(3, 4), (5, 2)], [(7, 7), (8, 8)], [(1, 1), (6, 6)], [(0, 3), (2, 2)],
    [(2, 3), (3, 2), (4, 4)], [(4, 4), (3, 3), (5, 5)], [(1, 2), (4, 1), (3, 3)],
]

/// Orders of square factors for the two- and three-factor solver tests (products ≤ 64).
let squareOrders: [[Int]] = [[1, 1], [5, 7], [8, 8], [4, 3, 5], [2, 4, 4]]

/// `max |(|op(A)|·|X|)ᵢⱼ|`: the scale of the rounding error of `op(A)·X` in any summation
/// order, `|fl(op(A)·X) − op(A)·X| ≤ γ_n·|op(A)|·|X|` entrywise [Higham 2002, §3.5]. Unlike
/// `max |op(A)·X|` it does not shrink under cancellation, so a bound `c·n·eps` times it is
/// tight for a correct product and an O(1) error still exceeds it.
func magnitudeScale<Scalar: LinearAlgebraScalar>(
    _ a: Matrix<Scalar>, _ x: Matrix<Scalar>, transpose: Transpose = .none
) throws -> Scalar {
    try a.map { abs($0) }.multiplied(by: x.map { abs($0) }, transposingSelf: transpose).maxAbsoluteEntry
}

/// Solves with the explicit dense matrix (LU), the reference for structured solves.
func denseSolve<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
    try LUFactorization(a).solve(b)
}

/// `true` for ``LinearAlgebraError/singularMatrix(operation:index:)`` at the 1-based `index`.
func isSingular(_ error: any Error, at index: Int) -> Bool {
    if case let .singularEigenvalue(_, found, _) = error as? LinearAlgebraError { return found == index }
    return false
}
