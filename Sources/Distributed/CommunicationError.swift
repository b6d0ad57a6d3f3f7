/// Errors of a ``Communicator``: a failed collective operation, bad arguments to one, or a
/// failure on another process that every process must learn about (so none waits for ever).
public enum CommunicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message-passing library reported an error: the operation, its error code and text.
    case library(operation: String, code: Int, message: String)
    /// An argument is invalid: a root outside `0..<size`, buffers whose sizes disagree.
    case invalidArgument(operation: String, detail: String)
    /// The operation failed on other processes (their ranks); they report their own error.
    case failedElsewhere(operation: String, ranks: [Int])

    /// The error in one line, naming the operation.
    public var description: String {
        switch self {
        case let .library(operation, code, message):
            return "\(operation) failed with MPI error \(code): \(message)"
        case let .invalidArgument(operation, detail):
            return "\(operation): \(detail)"
        case let .failedElsewhere(operation, ranks):
            return "\(operation) failed on rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", "))"
        }
    }
}
