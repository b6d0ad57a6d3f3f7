import DenseLinearAlgebra
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
            let a = Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            let path = directory.appendingPathComponent("a\(m)x\(n).npy").path
            try a.writeNumPyFile(to: path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count % 64 == (m * n * MemoryLayout<Scalar>.size) % 64, "header padded to 64 bytes")
            #expect(try Matrix<Scalar>(contentsOfNumPyFile: path) == a, "bit-exact round trip")
        }
        let vector = Matrix<Scalar>(column: [1, 2, 3])
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
