import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation
import MPIDistributed

/// The `kronkit` command-line tool: train and compare optimizers, inspect the backend,
/// check the kernels.
public struct Kronkit: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kronkit",
        abstract: "KronKit: structured linear-algebra kernels and second-order optimizers.",
        discussion: """
            Train a network with one optimizer (train) or several side by side (compare); each run \
            writes metrics.csv and report.svg into its output folder.
            """,
        subcommands: [Check.self, Train.self, Compare.self, Methods.self, Info.self],
        defaultSubcommand: Check.self)

    public init() {}

    /// Runs the tool on `CommandLine.arguments` and exits with its status.
    ///
    /// Started by `mpirun`, the processes form one data-parallel run over MPI
    /// (``CommandContext/launched()``); a process that fails then ends the whole job, since the
    /// others would wait for it in their next collective operation.
    public static func main() {
        InterruptFlag.install()
        let context: CommandContext
        do {
            context = try .launched()
        } catch {
            Console.standard.printError("error: \(error)")
            Foundation.exit(1)
        }
        let status = execute(Array(CommandLine.arguments.dropFirst()), context: context)
        if status != 0, let mpi = context.communicator as? MPICommunicator, mpi.size > 1 { mpi.abort(exitCode: status) }
        Foundation.exit(status)
    }

    /// Parses `arguments`, runs the command and returns the exit status. Every failure
    /// becomes one `error: …` line on the console's error stream and a non-zero status
    /// (64 for usage errors, 130 after an interruption, 1 otherwise); `--help` prints help.
    static func execute(_ arguments: [String], context: CommandContext) -> Int32 {
        do {
            var command = try parseAsRoot(attachingNegativeValues(arguments))
            if let toolCommand = command as? any ToolCommand {
                try toolCommand.execute(in: context)
            } else {
                try command.run()
            }
            return ExitCode.success.rawValue
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                context.console.print(fullMessage(for: error))
                return code.rawValue
            }
            let message = oneLine(toolMessage(for: error))
            let usageHint = code == .validationFailure ? " (see 'kronkit \(helpTopic(arguments))--help')" : ""
            context.console.printError("error: " + message + usageHint)
            return code.rawValue
        }
    }

    /// `arguments` with a negative number after a long option joined to it (`--learning-rate -1`
    /// becomes `--learning-rate=-1`), so that it parses as the option's value and is then judged by
    /// the option's own check, rather than read as an unknown flag `-1`.
    static func attachingNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("--"), word.count > 2, !word.contains("="), index + 1 < arguments.count,
               arguments[index + 1].hasPrefix("-"), Double(arguments[index + 1]) != nil {
                result.append(word + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(word)
                index += 1
            }
        }
        return result
    }

    /// The parser's message for `error`, except that a method option out of range is named by its
    /// flag (`--damping`), where the library names it in words, and that an allocation over the
    /// size limit suggests a smaller run, where the library suggests raising the limit from code.
    static func toolMessage(for error: any Error) -> String {
        if case let OptimizerError.optionOutOfRange(option, value, validRange) = error {
            return "\(option.flag) must be \(validRange), got \(value)"
        }
        let text = message(for: error)
        guard case .sizeExceedsLimit? = (error as? LinearAlgebraError)?.rootCause else { return text }
        return text.replacingOccurrences(
            of: LinearAlgebraError.sizeLimitRemedy,
            with: "kronkit's limit for one matrix; a smaller model (--hidden, --width), batch, --rank or data set may fit")
    }

    /// An error message as one line: the parser's bulleted list of valid values becomes a comma-separated one.
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return message }
        let bullets = lines.dropFirst().prefix { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        return bullets.isEmpty ? first : first + " " + bullets.joined(separator: ", ")
    }

    /// The subcommand named in `arguments` and a space, or nothing, for the help hint.
    private static func helpTopic(_ arguments: [String]) -> String {
        let names = configuration.subcommands.map { $0._commandName }
        return arguments.first.flatMap { names.contains($0) ? "\($0) " : nil } ?? ""
    }
}

/// What a command runs with: where it writes, when to stop, how it was invoked.
struct CommandContext {
    var console: Console
    /// Polled between training steps with the steps done; `true` interrupts the run.
    var shouldStop: (Int) -> Bool
    /// The command line (program name first), for the resume hint after an interruption.
    var invocation: [String]
    /// The processes of a data-parallel run; one process unless started by `mpirun`.
    var communicator: any Communicator = SingleProcessCommunicator()

    /// Standard streams, Ctrl-C and the process's own command line.
    static var standard: CommandContext {
        CommandContext(console: .standard, shouldStop: { _ in InterruptFlag.isRaised }, invocation: CommandLine.arguments)
    }

    /// ``standard``, with MPI's processes as the communicator when `mpirun` started this one
    /// (``/MPIDistributed/MPICommunicator/isLaunchedByMPIRun``). Then only rank 0 prints; the other
    /// ranks print their errors only, prefixed `rank R:`. Every rank polls its own Ctrl-C flag:
    /// `mpirun` forwards the interrupt to all of them.
    /// - Throws: ``/Distributed/CommunicationError`` when MPI cannot be initialised.
    static func launched() throws -> CommandContext {
        var context = standard
        guard MPICommunicator.isLaunchedByMPIRun else { return context }
        let communicator = try MPICommunicator.world()
        context.communicator = communicator
        if !communicator.isRoot {
            let rank = communicator.rank
            context.console = Console(isTerminal: false, output: { _ in },
                                      error: { FileHandle.standardError.write(Data("rank \(rank): \($0)".utf8)) })
        }
        return context
    }
}

/// A subcommand that writes through a ``CommandContext`` (so tests can capture its output
/// and interrupt it) rather than straight to the standard streams.
protocol ToolCommand: ParsableCommand {
    func execute(in context: CommandContext) throws
}

extension ToolCommand {
    func run() throws {
        InterruptFlag.install()
        try execute(in: .standard)
    }
}
