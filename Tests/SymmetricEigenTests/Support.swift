import DenseLinearAlgebra
import SymmetricEigen

/// The sizes of the property tests: empty, 1, odd, and a few dozen.
let propertySizes = [0, 1, 7, 33, 64]

/// A symmetric matrix with the prescribed spectrum (any signs).
func symmetricMatrix<Scalar: LinearAlgebraScalar>(
    _ values: [Scalar], using generator: inout Xoshiro256StarStar
) throws -> Matrix<Scalar> {
    try MatrixEnsemble<Scalar>.symmetric(eigenvalues: values, using: &generator)
}

/// Eigenvalues of an indefinite test matrix: Gaussian, both signs.
func indefiniteSpectrum<Scalar: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar) throws -> [Scalar] {
    try Scalar.randomGaussians(count: n, using: &generator)
}

extension SymmetricEigendecomposition {
    /// `‖M·Q − Q·diag(d)‖_max / max(1, ‖M‖_max)`: the residual of the computed pairs.
    func residual(against matrix: Matrix<Scalar>) throws -> Scalar {
        var qd = eigenvectors
        for j in 0..<eigenvalues.count {
            for i in 0..<order { qd[i, j] *= eigenvalues[j] }
        }
        return try (matrix * eigenvectors - qd).maxAbsoluteEntry / Swift.max(1, matrix.maxAbsoluteEntry)
    }

    /// `‖QᵀQ − I‖_max`.
    var orthogonalityError: Scalar {
        (try? eigenvectors.gram(.transpose).relativeDistance(to: .identity(eigenvalues.count))) ?? .infinity
    }
}

/// `true` for ``LinearAlgebraError/singularMatrix(operation:index:)`` at the 1-based `index`.
func isSingular(_ error: any Error, at index: Int) -> Bool {
    if case let .singularEigenvalue(_, found, _) = error as? LinearAlgebraError { return found == index }
    return false
}
