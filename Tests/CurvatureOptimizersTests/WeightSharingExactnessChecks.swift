@testable import CurvatureOptimizers
import DenseLinearAlgebra
import Testing
import KronKitTestSupport

/// The exactness checks of K-FAC-expand and -reduce on a deep linear network with weight
/// sharing, shared by the suites that build such networks: each supplies its network
/// (`compare`) and the length of its longest rounding chain, which sets the tolerance.
protocol WeightSharingExactnessChecks {
    /// `A ⊗ G` of every Kronecker block after one K-FAC step with the exact GGN's `G`, and the
    /// brute-force GGN block of the same layer.
    func compare<Scalar: LinearAlgebraScalar>(_: Scalar.Type, pooled: Bool, approximation: WeightSharingApproximation)
        throws -> [(kfac: Matrix<Scalar>, ggn: Matrix<Scalar>)]

    /// `n`, the most rounded operations behind one entry of either side (see the conformers).
    static var chainLength: Int { get }
}

extension WeightSharingExactnessChecks {
    /// The bound on `‖A ⊗ G − GGN‖_F / ‖GGN‖_F` when the approximation is exact: both sides are
    /// sums of products of the same O(1) numbers, each entry at the end of a chain of at most
    /// ``chainLength`` rounded operations, and `Tolerance.backward`'s `30·n·eps` (LAPACK's ratio)
    /// covers the constants — far below the O(10⁻¹) error of the approximation that is not exact.
    static func exactnessTolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> Scalar {
        Tolerance.backward(Scalar.self, order: chainLength)
    }

    func expandIsExactWithALossTermPerPosition<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        for (kfac, ggn) in try compare(Scalar.self, pooled: false, approximation: .expand) {
            #expect(try kfac.relativeDistance(to: ggn) <= Self.exactnessTolerance(Scalar.self))
        }
    }

    func reduceIsExactWhenPositionsArePooled<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        for (kfac, ggn) in try compare(Scalar.self, pooled: true, approximation: .reduce) {
            #expect(try kfac.relativeDistance(to: ggn) <= Self.exactnessTolerance(Scalar.self))
        }
    }
}
