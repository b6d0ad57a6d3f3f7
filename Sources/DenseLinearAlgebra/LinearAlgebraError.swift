/// Every error KronKit throws. Each case names the operation and the offending
/// values, so its ``description`` reads as a complete sentence.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Operand shapes do not fit: `operation` needed `expected`, got `actual`.
    case dimensionMismatch(operation: String, expected: String, actual: String)
    /// An input held NaN or ±∞.
    case nonFiniteInput(operation: String, argument: String)
    /// A matrix that must be symmetric positive definite is not: the leading
    /// minor of order `minor` (1-based, as LAPACK `?potrf` reports it) is not positive.
    case notPositiveDefinite(operation: String, minor: Int)
    /// A matrix is exactly singular: the pivot or diagonal entry at 1-based `index` is zero.
    case singularMatrix(operation: String, index: Int)
    /// A LAPACK routine returned a non-zero `info` for a reason not covered above
    /// (for example an eigensolver that failed to converge).
    case lapackFailure(routine: String, info: Int)
    /// An argument is outside its valid range.
    case invalidArgument(operation: String, detail: String)
    /// A file is not what it claims to be.
    case malformedFile(path: String, reason: String)
    /// A matrix is numerically singular: its estimated reciprocal condition number in the
    /// 1-norm, `1/(‖A‖₁·‖A⁻¹‖₁)`, is below the machine epsilon `eps` (`ulpOfOne`) of the scalar (LAPACK `?gecon`,
    /// `?pocon`), so a solve could lose every digit.
    case numericallySingular(operation: String, reciprocalCondition: Double)
    /// A compression could not reach its requested relative tolerance: `achieved` is the
    /// estimated relative error it reached, `reason` what stopped it (for example a rank cap).
    case toleranceNotMet(operation: String, requested: Double, achieved: Double, reason: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(operation, expected, actual):
            return "\(operation): dimension mismatch, expected \(expected) but got \(actual)"
        case let .nonFiniteInput(operation, argument):
            return "\(operation): argument \(argument) contains NaN or infinity"
        case let .notPositiveDefinite(operation, minor):
            return "\(operation): matrix is not positive definite (leading minor of order \(minor) is not positive)"
        case let .singularMatrix(operation, index):
            return "\(operation): matrix is singular (zero pivot at position \(index))"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .invalidArgument(operation, detail):
            return "\(operation): invalid argument, \(detail)"
        case let .malformedFile(path, reason):
            return "\(path): \(reason)"
        case let .numericallySingular(operation, reciprocalCondition):
            return "\(operation): matrix is numerically singular (estimated reciprocal condition number "
                + "\(reciprocalCondition) is below machine epsilon)"
        case let .toleranceNotMet(operation, requested, achieved, reason):
            return "\(operation): requested relative tolerance \(requested) not met, estimated relative error "
                + "\(achieved) (\(reason))"
        }
    }
}
