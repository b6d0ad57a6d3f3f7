import DenseLinearAlgebra
import SymmetricEigen

/// A symmetric positive semidefinite `n × n` matrix of exact rank `rank`: `B·Bᵀ` with
/// Gaussian `B`, and its exact decomposition (`largest(rank)`, eigenvalues descending).
func lowRankFactor<Scalar: LinearAlgebraScalar>(
    _ n: Int, rank: Int, using generator: inout Xoshiro256StarStar
) throws -> (matrix: Matrix<Scalar>, decomposition: SymmetricEigendecomposition<Scalar>) {
    let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: rank, using: &generator)
    let m = try b.gram()
    return (m, try SymmetricEigendecomposition.largest(rank, of: m))
}

extension SymmetricEigendecomposition {
    /// `‖M·Q − Q·diag(d)‖_max / ‖M‖_max`.
    func residual(against m: Matrix<Scalar>) throws -> Scalar {
        let qd = try eigenvectors.scalingColumns(by: eigenvalues)
        return try (m * eigenvectors - qd).maxAbsoluteEntry / Swift.max(m.maxAbsoluteEntry, .leastNormalMagnitude)
    }
}
