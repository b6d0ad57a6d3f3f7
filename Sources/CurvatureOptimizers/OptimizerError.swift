/// Errors of the optimizer module that are not linear-algebra errors.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option is outside its valid range.
    case invalidConfiguration(String)
    /// The model does not match the optimizer's state (a checkpoint of another model,
    /// a layer of another size).
    case modelMismatch(String)
    /// A checkpoint could not be read or does not hold what it claims.
    case malformedCheckpoint(path: String, reason: String)
    /// A method option outside its valid range, which reads after "must be" (``OptionRange``).
    /// The description names the option in words (``MethodOption/name``), `kronkit` by its flag.
    case optionOutOfRange(option: MethodOption, value: String, validRange: String)
    /// An option given for methods that do not read it: `methods` are the run's, `readBy` the
    /// methods that would (``OptimizerMethod/Entry/options``).
    case optionNotUsed(option: String, methods: [String], readBy: [String])
    /// A method name that is not in the catalogue.
    case unknownMethod(String, known: [String])

    public var description: String {
        switch self {
        case let .invalidConfiguration(detail): return "invalid optimizer configuration: \(detail)"
        case let .modelMismatch(detail): return "model does not match the optimizer: \(detail)"
        case let .malformedCheckpoint(path, reason): return "\(path): \(reason)"
        case let .optionOutOfRange(option, value, validRange): return "\(option.name) must be \(validRange), got \(value)"
        case let .optionNotUsed(option, methods, readBy):
            let subject = methods.count == 1 ? methods[0] : "any of " + methods.joined(separator: ", ")
            return "\(option) is not an option of \(subject); "
                + (readBy.isEmpty ? "no method reads it" : "it is read by " + readBy.joined(separator: ", "))
        case let .unknownMethod(name, known):
            return "unknown method '\(name)'; choose from " + known.joined(separator: ", ")
        }
    }
}

extension OptimizerError {
    /// A curvature block asked to precondition before its first ``CurvatureBlock/refreshInverse()``.
    static let notRefreshed = OptimizerError.invalidConfiguration("preconditioned before the first refreshInverse()")
}
