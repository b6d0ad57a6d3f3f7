import DenseLinearAlgebra
import Foundation
import Testing
@testable import CurvatureOptimizers

/// A value exercising every shape the checkpoint coder meets: keyed, unkeyed and single-value
/// containers, optionals, nested arrays, extreme integers and floats of both precisions.
struct TreeSample: Codable, Equatable {
    var name: String
    var flags: [Bool]
    var counts: [Int64]
    var seeds: [UInt64]
    var small: [Float]
    var large: [Double]
    var largeSingle: [Float]
    var nested: [[Float]]
    var missing: Int?
    var present: Double?
    var matrix: Matrix<Float>
}

@Suite("Checkpoint manifest tree: exact bits, tensors moved out")
struct CheckpointTreeTests {
    @Test("every value round-trips bit for bit; arrays of 64 or more floats become tensors")
    func roundTrip() throws {
        let specials: [Float] = [0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, .nan, .infinity,
                                 -.infinity, 1 / 3]
        let sample = TreeSample(
            name: "quote \" backslash \\ newline \n tab \t bell \u{7} é ∞", flags: [true, false],
            counts: [.min, .max, 0], seeds: [.max, 0x9E37_79B9_7F4A_7C15], small: specials,
            large: (0..<100).map { Double($0) / 7 } + [.nan, -0.0, .leastNormalMagnitude],
            largeSingle: (0..<64).map { Float($0).squareRoot() }, nested: [specials, []], missing: nil,
            present: 5e-324, matrix: try Matrix(rows: 10, columns: 7, columnMajor: (0..<70).map { Float($0) * 0.3 }))
        let encoder = CheckpointTreeEncoder()
        let tree = try encoder.encode(sample)
        // The 103 doubles, 64 floats and 70 matrix elements are tensors; the 9-element arrays are not.
        #expect(encoder.tensors.map(\.count) == [103, 64, 70])
        let text = tree.json()
        #expect(!text.contains("0.14285714285714285"), "large arrays (here 1/7) stay out of the manifest")
        let parsed = try CheckpointTree.parse(text)
        #expect(parsed == tree)
        let tensors = encoder.tensors
        let decoded = try CheckpointTreeDecoder { tensors[$0] }.decode(TreeSample.self, from: parsed)
        // NaN ≠ NaN, so compare bit patterns.
        func bits(_ value: TreeSample) -> [UInt64] {
            value.small.map { UInt64($0.bitPattern) } + value.large.map(\.bitPattern)
                + value.largeSingle.map { UInt64($0.bitPattern) } + value.nested.flatMap { $0.map { UInt64($0.bitPattern) } }
                + [value.present!.bitPattern] + value.matrix.elements.map { UInt64($0.bitPattern) }
        }
        #expect(bits(decoded) == bits(sample))
        #expect(decoded.name == sample.name && decoded.flags == sample.flags && decoded.counts == sample.counts
            && decoded.seeds == sample.seeds && decoded.missing == nil)
    }

    @Test("malformed manifests and mismatched types throw, naming where")
    func malformed() throws {
        for text in ["{", "[1,", "{\"a\" 1}", "tru", "\"open", "{\"a\":1}x", "", "[1 2]"] {
            #expect(throws: CheckpointTree.ParseError.self, "\(text)") { try CheckpointTree.parse(text) }
        }
        let decoder = CheckpointTreeDecoder { index in throw OptimizerError.malformedCheckpoint(path: "p", reason: "\(index)") }
        #expect(throws: DecodingError.self) { try decoder.decode(Int.self, from: .number("1.5")) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt8.self, from: .number("300")) }
        #expect(throws: DecodingError.self) { try decoder.decode([Int].self, from: .object([])) }
        #expect(throws: DecodingError.self) { try decoder.decode(TreeSample.self, from: .object([("name", .string("x"))])) }
        #expect(throws: OptimizerError.self) { try decoder.decode([Float].self, from: .tensor(3)) }
        let doubles = CheckpointTreeDecoder { _ in .double([1, 2]) }
        #expect(throws: DecodingError.self) { try doubles.decode([Float].self, from: .tensor(0)) }
    }
}
