import DenseLinearAlgebra

/// Which preconditioning part a ``KroneckerFactoredBlock`` builds at each refresh: the method
/// the block is, as a type, so that K-FAC's and EKFAC's blocks (and optimizers) are distinct
/// types composed from the same factors. ``KFACPreconditioning`` names the route's inversion
/// part, ``EKFACPreconditioning`` the eigenvalue-corrected one; a new variant is a new part
/// and a new conformance.
public protocol KroneckerPreconditioning: Sendable {
    /// The method's short name for reports, for factors estimated as `estimate`.
    static func methodName<Scalar: LinearAlgebraScalar>(_ estimate: KroneckerFactors<Scalar>.Estimate) -> String

    /// The part a refresh builds under `options` (and a decoded block decodes).
    static func inversion<Scalar: LinearAlgebraScalar>(_: Scalar.Type, options: KroneckerBlockOptions)
        -> any KroneckerFactorInversion<Scalar>.Type
}
