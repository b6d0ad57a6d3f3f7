import ArgumentParser
import KronKit

/// The `kronkit` command-line tool: the main job of the package.
@main
struct Kronkit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kronkit",
        abstract: "KronKit: structured linear-algebra kernels and second-order optimizers.",
        subcommands: [Check.self, Info.self],
        defaultSubcommand: Check.self)
}
