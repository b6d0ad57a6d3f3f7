import DenseLinearAlgebra
import SymmetricEigen

/// `c·n·eps` with `c = 10`: the backward error of LAPACK's eigensolvers and of a
/// Brand update [LAPACK Users' Guide §4.7]; a wrong result is an O(1) error.
func tolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type, order n: Int, factor: Double = 10) -> Scalar {
    Scalar(factor * Double(Swift.max(n, 1))) * Scalar.ulpOfOne
}

/// `max |aᵢ − bᵢ|`.
func maxDifference<Scalar: LinearAlgebraScalar>(_ a: [Scalar], _ b: [Scalar]) -> Scalar {
    precondition(a.count == b.count, "compared \(a.count) against \(b.count) values")
    return zip(a, b).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}

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
