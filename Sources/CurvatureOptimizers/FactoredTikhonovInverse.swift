import DenseLinearAlgebra
import KroneckerOperators

/// K-FAC's inverse route (Martens & Grosse 2015, §6.3, factored Tikhonov damping):
/// `V = (√δ·G + (√λ/π) I)⁻¹ ∇W (√δ·A + π√λ I)⁻¹`, the two inverses from Cholesky
/// factorizations of the damped factors, `λ` split by π (or evenly without π-damping).
///
/// - Complexity: refresh `d_in³ + d_out³` flops (Cholesky inverses); application
///   `2·d_in·d_out·(d_in + d_out)` flops, or `O(m(d_in² + d_out²) + m·d_in·d_out)` in the rank-`m` form.
public struct FactoredTikhonovInverse<Scalar: LinearAlgebraScalar>: KroneckerFactorInversion {
    /// `(√δ·A + π√λ I)⁻¹`, `d_in × d_in`.
    public let inputInverse: Matrix<Scalar>
    /// `(√δ·G + (√λ/π) I)⁻¹`, `d_out × d_out`.
    public let outputInverse: Matrix<Scalar>
    public let diagnostics: CurvatureDiagnostics

    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError`` from the Cholesky factorizations, in the
    ///   context "K-FAC inverse: damped input factor A" (or output factor G).
    public init(factors: KroneckerFactors<Scalar>, options: KroneckerBlockOptions) throws {
        let root = Scalar.sqrt(factors.scale)
        let split: KroneckerDampingSplit = options.piDamping ? .pi : .tikhonov
        let damped = try KroneckerProduct(factors.input.value.scaled(by: root), factors.output.value.scaled(by: root))
            .damped(Scalar(options.damping), split: split)
        inputInverse = try LinearAlgebraError.withContext("K-FAC inverse: damped input factor A") {
            try CholeskyFactorization(damped.factors[0]).inverse()
        }
        outputInverse = try LinearAlgebraError.withContext("K-FAC inverse: damped output factor G") {
            try CholeskyFactorization(damped.factors[1]).inverse()
        }
        diagnostics = CurvatureDiagnostics(damping: options.damping)
    }

    /// The inverses' product with `∇W`; `λ` is the refresh's, folded into the inverses (the
    /// `damping` given is not used: a changed `λ` acts from the next refresh).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>, damping _: Double) throws -> Matrix<Scalar> {
        try outputInverse.multiplied(by: gradient).multiplied(by: inputInverse)
    }

    /// `(G⁻¹g)(A⁻¹a)ᵀ` (`A⁻¹` is symmetric), with the refresh's `λ` as above.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(productOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>,
                               damping _: Double) throws -> Matrix<Scalar> {
        let left = try outputInverse.multiplied(by: outputGradients)
        let right = try inputInverse.multiplied(by: inputs)
        return try left.multiplied(by: right, transposingOther: .transpose)
    }

    public var stateSize: Int { inputInverse.elements.count + outputInverse.elements.count }

    public func requireOrders(input n: Int, output m: Int, _ decoder: any Decoder) throws {
        try DecodedState.require(inputInverse.rows == n && inputInverse.columns == n
                                     && outputInverse.rows == m && outputInverse.columns == m, decoder,
                                 "inverses do not match the \(n)×\(n) and \(m)×\(m) factors")
    }
}
