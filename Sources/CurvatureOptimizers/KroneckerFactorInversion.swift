import DenseLinearAlgebra

/// The preconditioning part of a ``KroneckerFactoredBlock``: what a refresh computes from the
/// factors `δ·A ⊗ G`, what each factor update adds to it, and how it applies the damped
/// inverse to a gradient until the next refresh. K-FAC's parts are the route's
/// (``KroneckerEigenbasisInverse``, the eigen route; ``FactoredTikhonovInverse``, the inverse
/// route; ``KroneckerBlockOptions/Route`` names the part); EKFAC's is
/// ``EigenvalueCorrectedInverse``. Derivations: `Notes/KFAC-family.md`, "Damped inversion".
///
/// **When a changed `λ` acts.** The application takes the block's current `λ`. The eigen-based
/// parts apply it there, free in the eigenbasis, so a new `λ` acts from the next gradient; the
/// inverse route folds its `λ` into Cholesky inverses at the refresh and ignores the one given,
/// so a new `λ` acts from the next refresh (as kfac-jax does for its eigen-based and cached
/// inverses).
public protocol KroneckerFactorInversion<Scalar>: Codable, Sendable {
    associatedtype Scalar: LinearAlgebraScalar

    /// The part for the factors at a first refresh, damped by `options.damping` where the
    /// damping enters the factorisation.
    /// - Throws: the factorisations' errors (with the factor named in their context).
    init(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws

    /// Rebuilds the part at a later refresh; unchanged when it throws. The default builds a new
    /// part; a part with running state of its own carries what must survive the refresh.
    /// - Throws: as ``init(factors:options:)``.
    mutating func refresh(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws

    /// Folds a factor update's rows (the same rows the factors fold in) into the part's own
    /// running state. The default does nothing: K-FAC's parts change only at a refresh.
    /// - Throws: a size error for rows that do not fit the part.
    mutating func update(with rows: FactorRows<Scalar>) throws

    /// The damped inverse applied to a gradient `∇W` (`d_out × d_in`), with `damping` the
    /// block's current `λ` (see the protocol's comment for which parts apply it).
    func preconditioned(_ gradient: Matrix<Scalar>, damping: Double) throws -> Matrix<Scalar>

    /// The damped inverse applied to `∇W = g·aᵀ` through its factors (`g`: `d_out × m`,
    /// `a`: `d_in × m`), for a narrow batch; `damping` as for ``preconditioned(_:damping:)``.
    func preconditioned(productOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>,
                        damping: Double) throws -> Matrix<Scalar>

    /// The damping and the factors' conditioning at the refresh.
    var diagnostics: CurvatureDiagnostics { get }

    /// The scalars the part stores.
    var stateSize: Int { get }

    /// Throws `DecodingError.dataCorrupted` unless a decoded part fits factors of orders
    /// `input` (`d_in`) and `output` (`d_out`).
    func requireOrders(input: Int, output: Int, _ decoder: any Decoder) throws
}

extension KroneckerFactorInversion {
    /// A new part for the factors.
    public mutating func refresh(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws {
        self = try Self(factors: factors, options: options)
    }

    /// Nothing: the part changes only at a refresh.
    public mutating func update(with rows: FactorRows<Scalar>) throws {}
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
