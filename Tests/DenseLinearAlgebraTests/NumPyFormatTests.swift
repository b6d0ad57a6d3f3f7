@testable import DenseLinearAlgebra
import Foundation
import Testing

/// Bytes from a hexadecimal string.
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

/// Files written by NumPy 2.4 (`np.save`), kept as hex so the test needs no Python.
enum NumPyFixtures {
    /// `np.array([[1.5, -2, 3.25], [4, 5, 6]], dtype='<f8')`, C order.
    static let float64COrder = bytes(hex: "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000f83f00000000000000c00000000000000a40000000000000104000000000000014400000000000001840")
    /// `np.array([1, 2, 3], dtype='<f4')`, 1-D.
    static let float32Vector = bytes(hex: "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f0000004000004040")
    /// `np.asfortranarray([[1, 2], [3, 4], [5, 6]], dtype='>f4')`, big-endian, Fortran order.
    static let bigEndianFortran = bytes(hex: "934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028332c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3f8000004040000040a00000400000004080000040c00000")
}

@Suite(".npy interchange with NumPy")
struct NumPyFormatTests {
    @Test func readsNumPyWrittenFiles() throws {
        let a = try NumPyFormat.decode(NumPyFixtures.float64COrder, as: Double.self)
        #expect(a == (try Matrix(rowsOf: [[1.5, -2, 3.25], [4, 5, 6]])))
        let v = try NumPyFormat.decode(NumPyFixtures.float32Vector, as: Float.self)
        #expect(v.rows == 3 && v.columns == 1 && v.elements == [1, 2, 3])
        let widened = try NumPyFormat.decode(NumPyFixtures.float32Vector, as: Double.self)
        #expect(widened.elements == [1, 2, 3])
        let f = try NumPyFormat.decode(NumPyFixtures.bigEndianFortran, as: Float.self)
        #expect(f == (try Matrix(rowsOf: [[1, 2], [3, 4], [5, 6]])))
    }

    func roundTrip<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kronkit-npy-\(Scalar.self)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (m, n) in [(0, 0), (1, 1), (3, 5), (17, 2)] {
            let a = try Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            let path = directory.appendingPathComponent("a\(m)x\(n).npy").path
            try a.writeNumPyFile(to: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count % 64 == (m * n * MemoryLayout<Scalar>.size) % 64, "header padded to 64 bytes")
            #expect(try Matrix<Scalar>(contentsOfNumPyFile: path) == a, "bit-exact round trip")
        }
        let vector = try Matrix<Scalar>(column: [1, 2, 3])
        let encoded = NumPyFormat.encode(vector, asVector: true)
        #expect(String(decoding: encoded.prefix(80), as: UTF8.self).contains("'shape': (3,)"))
        #expect(try NumPyFormat.decode(encoded, as: Scalar.self) == vector)
    }

    @Test func roundTripsExactly() throws {
        try roundTrip(Float.self)
        try roundTrip(Double.self)
    }

    /// `float64COrder` with `old` replaced by `new` in its ASCII header (bytes 10 up to the newline).
    func patched(_ old: String, _ new: String) -> [UInt8] {
        let fixture = NumPyFixtures.float64COrder
        let headerEnd = fixture.firstIndex(of: 0x0A)! + 1
        let header = String(decoding: fixture[10..<headerEnd], as: UTF8.self)
        precondition(header.contains(old))
        return Array(fixture[..<10]) + Array(header.replacingOccurrences(of: old, with: new).utf8)
            + fixture[headerEnd...]
    }

    func rejects(_ data: [UInt8], because phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try NumPyFormat.decode(data, as: Double.self, path: "x.npy")
            Issue.record("decoding should have failed (\(phrase))", sourceLocation: sourceLocation)
        } catch let LinearAlgebraError.malformedFile(path, reason) {
            #expect(path == "x.npy", sourceLocation: sourceLocation)
            #expect(reason.contains(phrase), "\(reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedFilesThrowNamedErrors() {
        let good = NumPyFixtures.float64COrder
        rejects([UInt8]("not numpy at all".utf8), because: "bad magic")
        rejects([], because: "bad magic")
        rejects(Array(good.prefix(good.count - 3)), because: "truncated")
        rejects(good + [0, 0, 0, 0, 0, 0, 0, 0], because: "beyond")
        rejects(Array(good.prefix(40)), because: "truncated")
        rejects(patched("'<f8'", "'<i8'"), because: "dtype '<i8'")
        rejects(patched("(2, 3)", "(2, 4)"), because: "truncated")
        rejects(patched("(2, 3)", "(1, 3)"), because: "beyond")
        rejects(patched("(2, 3), }", "(1,2,3), }"), because: "3 dimensions")
        rejects(patched("(2, 3)", "(2, x)"), because: "invalid dimension")
        rejects(patched("(2, 3), }", "(4611686018427387904, 1), }"), because: "too large")
        rejects(patched("(2, 3), }", "(3037000500, 3037000500), }"), because: "too large")
        rejects(patched("False", "Maybe"), because: "fortran_order")
        rejects(patched("'shape'", "'shope'"), because: "no 'shape'")
        var badVersion = good
        badVersion[6] = 9
        rejects(badVersion, because: "version 9")
        #expect(throws: LinearAlgebraError.self) { try NumPyFormat.decode(good, as: Float.self) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(contentsOfNumPyFile: "/nonexistent/a.npy") }
    }
}

@Suite(".npy decoding never traps")
struct NumPyFuzzTests {
    /// Every decode of a damaged image either returns a matrix whose element count matches
    /// its shape or throws `malformedFile`; any other error, or a trap, is a bug.
    func decodesOrThrowsMalformed(_ data: [UInt8]) {
        for decode in [{ _ = try NumPyFormat.decode(data, as: Double.self) },
                       { _ = try NumPyFormat.decode(data, as: Float.self) }] {
            do {
                try decode()
            } catch LinearAlgebraError.malformedFile {
            } catch {
                Issue.record("unexpected error \(error) for \(data.prefix(80))")
            }
        }
    }

    @Test func randomHeaderEditsAndTruncationsThrowMalformedFile() throws {
        var generator = Xoshiro256StarStar(seed: 77)
        let fixtures = [NumPyFixtures.float64COrder, NumPyFixtures.float32Vector, NumPyFixtures.bigEndianFortran,
                        NumPyFormat.encode(try Matrix<Double>(rows: 0, columns: 3))]
        // Characters a header is made of, plus a few that break its grammar.
        let alphabet = Array("{}()[],:' \"0123456789-+eE.TrueFalsf<>=|f4f8i8descrshapefortran_order\n\u{0}\u{FF}".utf8)
        for fixture in fixtures {
            for length in 0...fixture.count { decodesOrThrowsMalformed(Array(fixture.prefix(length))) }
            for _ in 0..<3000 {
                var data = fixture
                for _ in 0...Int.random(in: 0..<4, using: &generator) {
                    let position = Int.random(in: 0..<Swift.min(data.count, 140), using: &generator)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: data[position] = alphabet.randomElement(using: &generator)!
                    case 1: data[position] = UInt8.random(in: 0...255, using: &generator)
                    case 2: data.remove(at: position)
                    default: data.insert(alphabet.randomElement(using: &generator)!, at: position)
                    }
                }
                decodesOrThrowsMalformed(data)
            }
        }
    }

    @Test func extremeHeaderLengthsAndVersionsThrowMalformedFile() {
        let good = NumPyFixtures.float64COrder
        for (lengthLow, lengthHigh) in [(0, 0), (0xFF, 0xFF), (0x75, 0x00), (0x77, 0x00)] {
            var data = good
            (data[8], data[9]) = (UInt8(lengthLow), UInt8(lengthHigh))
            decodesOrThrowsMalformed(data)
        }
        for version in [UInt8(0), 2, 3, 4, 255] {
            var data = good
            data[6] = version
            decodesOrThrowsMalformed(data)
            decodesOrThrowsMalformed(Array(data.prefix(11)))
        }
        var version2 = Array(good[0..<6]) + [2, 0] + [0xFF, 0xFF, 0xFF, 0xFF] + Array(good[10...])
        decodesOrThrowsMalformed(version2)
        version2[8...11] = [0x76, 0, 0, 0]
        decodesOrThrowsMalformed(version2)
    }

    @Test func emptyArraysWithHugeDimensionsDecode() throws {
        // No data bytes: a 0 × 2⁶³−1 array is valid (and must not overflow on the way).
        for (order, shape) in [("True", "(0, 9223372036854775807)"), ("False", "(9223372036854775807, 0)")] {
            let header = Array("{'descr': '<f8', 'fortran_order': \(order), 'shape': \(shape), }\n".utf8)
            let image = NumPyFormat.magic + [1, 0, UInt8(header.count), 0] + header
            let matrix = try NumPyFormat.decode(image, as: Double.self)
            #expect(matrix.isEmpty && matrix.rows + matrix.columns == Int.max)
        }
    }
}
