import Foundation

/// Where the tool writes: standard output and standard error for a person or a
/// CI log, or an in-memory capture in tests.
public struct Console: Sendable {
    /// Whether standard output is a terminal (live progress bar) or a file or pipe (plain lines).
    public var isTerminal: Bool
    let writeOutput: @Sendable (String) -> Void
    let writeError: @Sendable (String) -> Void

    /// A console writing through the two closures.
    public init(isTerminal: Bool, output: @escaping @Sendable (String) -> Void,
                error: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        writeOutput = output
        writeError = error
    }

    /// Standard output and standard error, unbuffered; a terminal when `isatty(stdout)`.
    public static var standard: Console {
        Console(isTerminal: isatty(STDOUT_FILENO) == 1,
                output: { FileHandle.standardOutput.write(Data($0.utf8)) },
                error: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// Writes `text` to standard output as it is (no newline added).
    func write(_ text: String) { writeOutput(text) }

    /// Writes `line` and a newline to standard output.
    func print(_ line: String = "") { writeOutput(line + "\n") }

    /// Writes `line` and a newline to standard error.
    func printError(_ line: String) { writeError(line + "\n") }
}
