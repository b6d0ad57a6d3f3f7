import ArgumentParser
import CurvatureOptimizers

/// `kronkit methods`: the method catalogue as Markdown tables (the README's copy is this output).
struct Methods: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the training methods and their options: defaults, valid values, papers (Markdown).")

    func execute(in context: CommandContext) throws {
        context.console.print(OptimizerMethod.catalogueTable)
    }
}
