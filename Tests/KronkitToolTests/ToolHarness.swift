import Foundation
import Synchronization
@testable import KronkitTool

/// Runs `kronkit` in-process with captured output, as the tests' command line.
final class ToolHarness: Sendable {
    private let output = Mutex("")
    private let errors = Mutex("")

    /// What a run printed and returned.
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// A console that appends to this harness and is not a terminal.
    var console: Console {
        Console(isTerminal: false, output: { text in self.output.withLock { $0 += text } },
                error: { text in self.errors.withLock { $0 += text } })
    }

    /// Everything written to standard output so far.
    var printed: String { output.withLock { $0 } }

    /// Runs `arguments`, stopping after the step for which `stop` holds.
    static func run(_ arguments: [String], stop: @escaping (Int) -> Bool = { _ in false }) -> Result {
        let harness = ToolHarness()
        let context = CommandContext(console: harness.console, shouldStop: stop, invocation: ["kronkit"] + arguments)
        let status = Kronkit.execute(arguments, context: context)
        return Result(status: status, output: harness.output.withLock { $0 }, errors: harness.errors.withLock { $0 })
    }
}

/// A fresh empty folder under the temporary directory.
func temporaryFolder(_ name: String = #function) -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("kronkit-tests-\(safe)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Flags for a run small enough for a debug-build test of any model: 96 training and 32 test
/// glyphs, batches of 16 (6 per epoch), evaluation every 2 steps.
let tinyData = ["--train-count", "96", "--test-count", "32", "--batch-size", "16", "--eval-every", "2"]

/// ``tinyData`` with an 8-unit MLP (the default model).
let tinyRun = tinyData + ["--hidden", "8"]
