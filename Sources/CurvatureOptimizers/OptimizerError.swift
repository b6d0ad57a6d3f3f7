/// Errors of the optimizer module that are not linear-algebra errors.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option is outside its valid range.
    case invalidConfiguration(String)
    /// The model does not match the optimizer's state (a checkpoint of another model,
    /// a layer of another size).
    case modelMismatch(String)
    /// A checkpoint could not be read or does not hold what it claims.
    case malformedCheckpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(detail): return "invalid optimizer configuration: \(detail)"
        case let .modelMismatch(detail): return "model does not match the optimizer: \(detail)"
        case let .malformedCheckpoint(path, reason): return "\(path): \(reason)"
        }
    }
}

extension OptimizerError {
    /// A curvature block asked to precondition before its first ``CurvatureBlock/refreshInverse()``.
    static let notRefreshed = OptimizerError.invalidConfiguration("preconditioned before the first refreshInverse()")
}
