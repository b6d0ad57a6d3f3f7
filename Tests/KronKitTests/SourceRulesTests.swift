import Foundation
import Testing

/// Rules on the source text itself, checked by reading the package's files (as the README's
/// method table is checked against `kronkit methods`).
@Suite("Source rules")
struct SourceRulesTests {
    /// The package root: three levels above this file (`Tests/KronKitTests/SourceRulesTests.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The numeric bridge (`Notes/ARCHITECTURE.md`, "One bridge"): the only files that may hand a
    /// force-unwrapped buffer start to C. Everything else reaches BLAS and LAPACK through
    /// `MatrixView`/`MutableMatrixView` or the array wrappers.
    static let bridgeFiles: Set<String> = [
        "Sources/DenseLinearAlgebra/_WorkspaceQuery.swift",
        "Sources/DenseLinearAlgebra/LinearAlgebraScalar+Backend.swift",
        "Sources/DenseLinearAlgebra/_SerializedBackendCalls.swift",
    ]

    /// Every `.swift` file under `folder` (relative to the package root), as relative paths.
    static func swiftFiles(under folder: String) throws -> [String] {
        let root = packageRoot.appendingPathComponent(folder)
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        let prefix = packageRoot.path.hasSuffix("/") ? packageRoot.path : packageRoot.path + "/"
        return enumerator.compactMap { ($0 as? URL)?.path }
            .filter { $0.hasSuffix(".swift") }
            .map { String($0.dropFirst(prefix.count)) }
            .sorted()
    }

    @Test("no baseAddress! outside the numeric bridge, in Sources and Benchmarks")
    func noForceUnwrappedBufferStartsOutsideTheBridge() throws {
        for bridgeFile in Self.bridgeFiles {
            #expect(FileManager.default.fileExists(atPath: Self.packageRoot.appendingPathComponent(bridgeFile).path),
                    "the bridge file \(bridgeFile) is gone: update the list")
        }
        let files = try Self.swiftFiles(under: "Sources") + Self.swiftFiles(under: "Benchmarks")
        #expect(files.count > 100, "the scan found only \(files.count) files: is the package root right?")
        var offenders: [String] = []
        for file in files where !Self.bridgeFiles.contains(file) {
            let text = try String(contentsOf: Self.packageRoot.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("baseAddress!") {
                offenders.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, """
            use MatrixView/MutableMatrixView (or a helper in the bridge) instead of baseAddress!:
            \(offenders.joined(separator: "\n"))
            """)
    }

    /// The tests that compile the documentation's examples.
    static let exampleTestFiles = ["Tests/KronKitTests/ReadmeExampleTests.swift",
                                   "Tests/KronKitTests/DocumentationExampleTests.swift"]

    /// The ```` ```swift ```` blocks of a Markdown text, each as its lines.
    static func swiftBlocks(_ markdown: String) -> [[String]] {
        var blocks: [[String]] = [], current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if current == nil, line.hasPrefix("```swift") {
                current = []
            } else if let lines = current, line.hasPrefix("```") {
                blocks.append(lines)
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    static func imports(_ lines: [String]) -> Set<String> {
        Set(lines.filter { $0.hasPrefix("import ") }.map { String($0.dropFirst(7).prefix { $0 != " " }) })
    }

    /// Every code line of every Swift example in README.md and the DocC articles is a line of a
    /// test that compiles it, and such a test imports no module that the examples it holds do not
    /// (so that an example cannot lean on an import its reader does not have). A package manifest
    /// (`// swift-tools-version`) is not compiled here: the products it names must be this package's.
    @Test("the README's and the articles' Swift examples are compiled, verbatim and under their imports")
    func documentationExamplesAreCompiled() throws {
        let read = { (file: String) in try String(contentsOf: Self.packageRoot.appendingPathComponent(file), encoding: .utf8) }
        let tests = try Self.exampleTestFiles.map { file in
            (file: file, lines: try read(file).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let articles = try FileManager.default.contentsOfDirectory(atPath: Self.packageRoot.appendingPathComponent("Sources").path)
            .flatMap { module in
                let catalog = "Sources/\(module)/\(module).docc"
                let names = (try? FileManager.default.contentsOfDirectory(
                    atPath: Self.packageRoot.appendingPathComponent(catalog).path)) ?? []
                return names.filter { $0.hasSuffix(".md") }.map { "\(catalog)/\($0)" }
            }
        var examplesImports = [String: Set<String>](uniqueKeysWithValues: tests.map { ($0.file, []) })
        let manifest = try read("Package.swift")
        // The kernel modules' products are declared from this list.
        let kernelModules = try #require(manifest.components(separatedBy: "let kernelModules = [").dropFirst().first?
            .components(separatedBy: "]").first)
        var blockCount = 0
        for document in ["README.md"] + articles.sorted() {
            for (index, block) in Self.swiftBlocks(try read(document)).enumerated() {
                blockCount += 1
                let code = block.map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("//") && !$0.hasPrefix("import ") }
                let place = "\(document), Swift block \(index + 1)"
                if block.first?.hasPrefix("// swift-tools-version") == true {
                    for line in code where line.contains(".product(name: \"") {
                        let product = line.split(separator: "\"")[1]
                        #expect(manifest.contains(".library(name: \"\(product)\"") || kernelModules.contains("\"\(product)\""),
                                "\(place) names the product \(product), which Package.swift does not declare")
                    }
                    continue
                }
                guard let test = tests.first(where: { test in code.allSatisfy { test.lines.contains($0) } }) else {
                    let missing = code.filter { line in !tests.contains { $0.lines.contains(line) } }
                    Issue.record("\(place): lines in no example test: \(missing.isEmpty ? code : missing)")
                    continue
                }
                examplesImports[test.file]?.formUnion(Self.imports(block))
            }
        }
        #expect(blockCount >= 10, "the scan found \(blockCount) Swift blocks: is the package root right?")
        for test in tests {
            let extra = Self.imports(test.lines).subtracting(["Testing"]).subtracting(examplesImports[test.file] ?? [])
            #expect(extra.isEmpty, "\(test.file) imports \(extra.sorted()), which none of its examples does")
        }
    }
}
