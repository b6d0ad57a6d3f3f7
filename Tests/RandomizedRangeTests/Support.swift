import DenseLinearAlgebra
import RandomizedRange

/// The spectral norm `‖A‖₂ = σ₁(A)` by LAPACK `?gesdd` (values only).
func spectralNorm<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>) throws -> Scalar {
    guard !a.isEmpty else { return 0 }
    return try SingularValueDecomposition(a, computeVectors: false).singularValues[0]
}

/// `‖A − Q·Qᵀ·A‖₂`, the range finder's error.
func projectionError<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, basis q: Matrix<Scalar>) throws -> Scalar {
    let projected = try q.multiplied(by: q.multiplied(by: a, transposingSelf: .transpose))
    return try spectralNorm(a - projected)
}

/// `‖QᵀQ − I‖_max`.
func orthogonalityError<Scalar: LinearAlgebraScalar>(_ q: Matrix<Scalar>) throws -> Scalar {
    try q.gram(.transpose).relativeDistance(to: .identity(q.columns))
}

/// `true` when `body` throws a `LinearAlgebraError` for which `matches` holds.
func throwsError(_ matches: (LinearAlgebraError) -> Bool, _ body: () throws -> Void) -> Bool {
    do {
        try body()
        return false
    } catch let error as LinearAlgebraError {
        return matches(error)
    } catch {
        return false
    }
}

func isInvalidArgument(_ error: LinearAlgebraError) -> Bool {
    if case .invalidArgument = error { return true }
    return false
}

func isNonFinite(_ error: LinearAlgebraError) -> Bool {
    if case .nonFiniteInput = error { return true }
    return false
}

func isDimensionMismatch(_ error: LinearAlgebraError) -> Bool {
    if case .dimensionMismatch = error { return true }
    return false
}

func isNotPositiveDefinite(_ error: LinearAlgebraError) -> Bool {
    if case .notPositiveDefinite = error { return true }
    return false
}

/// The three sketch distributions the tests run every algorithm with.
let distributions: [SketchDistribution] = [.gaussian, .rademacher, .sparseSign(nonzerosPerRow: 8)]
