import CurvatureOptimizers
import Foundation
import Testing
@testable import KronkitTool

@Suite("The tool's methods and options come from the catalogue")
struct ToolCatalogueTests {
    @Test("kronkit methods prints the catalogue, and the README's method table is that output")
    func readmeTableIsGenerated() throws {
        let result = ToolHarness.run(["methods"])
        #expect(result.status == 0)
        #expect(result.output == OptimizerMethod.catalogueTable + "\n")
        let readmeURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        let begin = "<!-- kronkit methods: begin -->\n", end = "<!-- kronkit methods: end -->"
        let start = try #require(readme.range(of: begin)), stop = try #require(readme.range(of: end))
        #expect(String(readme[start.upperBound..<stop.lowerBound]) == OptimizerMethod.catalogueTable + "\n",
                "regenerate the README's table with `kronkit methods`")
    }

    @Test("--help shows every option with the catalogue's default")
    func helpShowsCatalogueDefaults() {
        let help = ToolHarness.run(["train", "--help"]).output.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for option in MethodOption.allCases {
            #expect(help.contains(option.flag), "\(option.flag)")
            #expect(help.contains("default: \(option.defaultText)"), "\(option.flag): \(option.defaultText)")
        }
    }

    @Test("an option the chosen method does not read is a usage error naming it")
    func unusedOptionsAreRefused() {
        let cases: [([String], String)] = [
            (["train", "--optimizer", "kfac", "--learning-rate", "sgd=0.1"], "--learning-rate sgd=… is not an option of kfac"),
            (["train", "--optimizer", "singd", "--damping", "0.01"], "--damping is not an option of singd"),
            (["train", "--optimizer", "kfac", "--singd-damping", "0.01"], "--singd-damping is not an option of kfac"),
            (["train", "--optimizer", "adam", "--momentum", "0.5"], "--momentum is not an option of adam"),
            (["train", "--optimizer", "kfac", "--no-pi-damping"], "--pi-damping is not an option of kfac"),
            (["train", "--optimizer", "kfac", "--pi-damping"], "--pi-damping is not an option of kfac"),
            (["compare", "--optimizers", "sgd,adam", "--rank", "8"], "--rank is not an option of any of sgd, adam"),
        ]
        for (arguments, message) in cases {
            let result = ToolHarness.run(arguments + tinyRun)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errors.contains(message), "\(result.errors)")
        }
        let unknown = ToolHarness.run(["train", "--curvature", "fisher"])
        #expect(unknown.status == 64 && unknown.errors.contains("'fisher'") && unknown.errors.contains("monte-carlo"))
        // Options read by one of the compared methods are accepted.
        #expect(throws: Never.self) { try Compare.parse(["--optimizers", "sgd,kfac", "--damping", "0.01"]) }
    }

    @Test("an option out of its range is refused by the method that reads it, naming the range")
    func rangesComeFromTheCatalogue() {
        let folder = temporaryFolder()
        let result = ToolHarness.run(["train", "--optimizer", "b-kfac", "--rank", "0", "-o", folder] + tinyRun)
        #expect(result.status == 1)
        #expect(result.errors.contains("--rank must be an integer in 1…"), "\(result.errors)")
    }
}
