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
}
