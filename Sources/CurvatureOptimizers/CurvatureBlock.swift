import DenseLinearAlgebra
import KroneckerOperators

/// The curvature model of one parameterised layer: it folds each step's
/// statistics into running factors, refreshes their factorisations on a
/// schedule, and applies the damped inverse to the layer's gradient.
///
/// Blocks call the kernel modules (`SymmetricEigen`, `KroneckerOperators`,
/// `DenseLinearAlgebra`'s Cholesky) and re-implement none of them. Every block
/// is `Codable`, so an optimizer checkpoint restores it bit for bit.
public protocol CurvatureBlock<Scalar>: Codable, Sendable {
    associatedtype Scalar: LinearAlgebraScalar
    /// The options every block of a method is built with.
    associatedtype Configuration: Codable, Sendable, Hashable

    /// The method's short name for reports (`"kfac"`, `"tekfac"`, …).
    static func methodName(_ configuration: Configuration) -> String

    /// The configuration with every setting at its default (``MethodSettings/defaults``), which an
    /// optimizer built without one uses.
    static var defaultConfiguration: Configuration { get }

    /// A block for a layer whose weight (bias folded in) is `outputSize × inputSize`.
    init(inputSize: Int, outputSize: Int, configuration: Configuration) throws

    /// Folds one step's capture into the running curvature estimate.
    mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws

    /// Recomputes the factorisation that ``preconditioned(_:)`` applies.
    mutating func refreshInverse() throws

    /// The damped inverse of the block's curvature applied to `gradient` (the layer's
    /// `∂L/∂W̃`, `d_out × d_in`).
    func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The same, for a batch gradient given with its factors `∇W = g·aᵀ`
    /// (`g`: `d_out × m`, `a`: `d_in × m`, the layer's captured output gradients and
    /// inputs), so that a block can work with the rank-`m` form when `m` is small.
    func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                        times inputs: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// The preconditioned gradient left as its parts `σ·∇W + L·Rᵀ` (thin `L`, `R`) when the
    /// block's damped inverse has that form, so that the optimizer folds it into the momentum
    /// and takes the KL clip's `⟨V, ∇W⟩` without forming `V`; nil otherwise (the default). With
    /// `product`, the same choice between the dense and the factored form as
    /// ``preconditioned(_:factoredAs:times:)``; materialised, the parts are its result bit for bit.
    /// `gradient` is nil when the backward pass left `∇W` unformed (see
    /// ``givesPreconditionedParts``): the block then gives parts only through the factors, and nil
    /// where it would need `∇W` itself.
    func preconditionedParts(_ gradient: Matrix<Scalar>?,
                             factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?) throws
        -> ScaledPlusLowRank<Scalar>?

    /// Whether ``preconditionedParts(_:factoredAs:)`` can give parts at all (false by default): the
    /// optimizer then leaves the parameterised layers' `∇W = g·aᵀ` unformed in the backward pass and
    /// folds the factors into its momentum with the low-rank part, in one product.
    var givesPreconditionedParts: Bool { get }

    /// What a user can read about the block's current state.
    var diagnostics: CurvatureDiagnostics { get }

    /// The scalars the block stores (factors, factorisations, corrections).
    var stateSize: Int { get }
}

extension CurvatureBlock {
    /// Ignores the factors and preconditions `gradient` itself.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try preconditioned(gradient)
    }

    /// No parts: the block's preconditioned gradient is formed as a matrix.
    public func preconditionedParts(_ gradient: Matrix<Scalar>?,
                                    factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?)
        -> ScaledPlusLowRank<Scalar>? { nil }

    /// No parts (``preconditionedParts(_:factoredAs:)``'s default).
    public var givesPreconditionedParts: Bool { false }

    /// `true` when `∇W = g·aᵀ` (`g`: `d_out × m`, `a`: `d_in × m`) is cheaper to
    /// precondition through its factors: `m(d_out² + d_in² + d_out·d_in)` against
    /// `d_out·d_in·(d_out + d_in)`, the rotation (or inverse products) of the dense gradient.
    static func prefersFactoredForm(_ gradient: Matrix<Scalar>, _ outputGradients: Matrix<Scalar>,
                                    _ inputs: Matrix<Scalar>) -> Bool {
        outputGradients.rows == gradient.rows && inputs.rows == gradient.columns
            && outputGradients.columns == inputs.columns
            && prefersFactoredForm(outputs: gradient.rows, inputs: gradient.columns, columns: inputs.columns)
    }

    /// The cost comparison of ``prefersFactoredForm(_:_:_:)`` from the sizes alone: a
    /// `d_out × d_in` gradient given as `m` columns.
    static func prefersFactoredForm(outputs: Int, inputs: Int, columns: Int) -> Bool {
        let (dOut, dIn, m) = (Double(outputs), Double(inputs), Double(columns))
        return m * (dOut * dOut + dIn * dIn + dOut * dIn) < dOut * dIn * (dOut + dIn)
    }
}

/// Per-block statistics: the damping in use and how well conditioned the
/// factors are (from their latest factorisation).
public struct CurvatureDiagnostics: Sendable, Hashable, Codable {
    /// The Tikhonov damping λ added to the curvature.
    public var damping: Double
    /// `λ_max/λ_min` of the input-side factor (`∞` when singular, `nan` before the first refresh).
    public var inputConditionNumber: Double
    /// `λ_max/λ_min` of the output-side factor.
    public var outputConditionNumber: Double
    /// Eigenvalues that rounded below zero and were clamped to zero at the latest refresh
    /// (the factors are positive semidefinite in exact arithmetic).
    public var clampedEigenvalues: Int

    public init(damping: Double, inputConditionNumber: Double = .nan, outputConditionNumber: Double = .nan,
                clampedEigenvalues: Int = 0) {
        self.damping = damping
        self.inputConditionNumber = inputConditionNumber
        self.outputConditionNumber = outputConditionNumber
        self.clampedEigenvalues = clampedEigenvalues
    }

    /// `max/min` of a factor's eigenvalues (`nan` when there are none).
    static func conditionNumber<Scalar: LinearAlgebraScalar>(_ eigenvalues: [Scalar]) -> Double {
        guard let largest = eigenvalues.max(), let smallest = eigenvalues.min() else { return .nan }
        return smallest > 0 ? Double(largest) / Double(smallest) : .infinity
    }
}
