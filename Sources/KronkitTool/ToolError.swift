/// Errors of the `kronkit` tool itself (the kernels and optimizers throw
/// `LinearAlgebraError` and `OptimizerError`). Each description is one complete line.
enum ToolError: Error, Equatable, CustomStringConvertible {
    /// The output folder cannot be created or written.
    case unwritableOutput(path: String, reason: String)
    /// A `--data`/`--test-data` value that names no known source.
    case invalidDataSource(String)
    /// The data do not fit the chosen model.
    case incompatibleData(String)
    /// A checkpoint does not belong to the run being resumed.
    case resumeMismatch(path: String, reason: String)
    /// The loss became NaN or infinite.
    case diverged(method: String, step: Int)
    /// A run did not finish; the one-line reason.
    case runFailed(String)

    var description: String {
        switch self {
        case let .unwritableOutput(path, reason): return "cannot write to output folder '\(path)': \(reason)"
        case let .invalidDataSource(detail): return "invalid data source: \(detail)"
        case let .incompatibleData(detail): return "data do not fit the model: \(detail)"
        case let .resumeMismatch(path, reason): return "cannot resume from \(path): \(reason)"
        case let .diverged(method, step): return "\(method) diverged: the training loss is not finite at step \(step)"
        case let .runFailed(reason): return reason
        }
    }
}
