import DenseLinearAlgebra

/// The inversion part of a curvature block with dense Kronecker factors: what a refresh
/// computes from the factors `δ·A ⊗ G` and how it applies the damped inverse to a gradient
/// until the next refresh. K-FAC is ``KroneckerFactors`` (dense moving averages, standard or
/// trace-restricted) composed with one of these: ``KroneckerEigenbasisInverse`` (the eigen
/// route) or ``FactoredTikhonovInverse`` (the inverse route); ``KroneckerBlockOptions/Route``
/// names the part. Derivations: `Notes/KFAC-family.md`, "Damped inversion".
public protocol KroneckerFactorInversion<Scalar>: Codable, Sendable {
    associatedtype Scalar: LinearAlgebraScalar

    /// The part for the factors at a refresh, damped by `options.damping`.
    /// - Throws: the factorisations' errors (with the factor named in their context).
    init(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws

    /// The damped inverse applied to a gradient `∇W` (`d_out × d_in`).
    func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The damped inverse applied to `∇W = g·aᵀ` through its factors (`g`: `d_out × m`,
    /// `a`: `d_in × m`), for a narrow batch.
    func preconditioned(productOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The damping and the factors' conditioning at the refresh.
    var diagnostics: CurvatureDiagnostics { get }

    /// The scalars the part stores.
    var stateSize: Int { get }

    /// Throws `DecodingError.dataCorrupted` unless a decoded part fits factors of orders
    /// `input` (`d_in`) and `output` (`d_out`).
    func requireOrders(input: Int, output: Int, _ decoder: any Decoder) throws
}

extension KroneckerBlockOptions.Route {
    /// The inversion part the route names.
    /// - Complexity: `O(1)`.
    public func inversion<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> any KroneckerFactorInversion<Scalar>.Type {
        switch self {
        case .eigen: return KroneckerEigenbasisInverse<Scalar>.self
        case .inverse: return FactoredTikhonovInverse<Scalar>.self
        }
    }
}
