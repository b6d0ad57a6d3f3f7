import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

/// A fresh directory for one test's files.
func temporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "kronkit-nn-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ bytes: [UInt8], to path: String) {
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "could not write \(path)")
}

/// An IDX file: magic, type byte, big-endian sizes, then the payload as given.
func idxBytes(type: UInt8, shape: [Int], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
    for size in shape { bytes += (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * (3 - $0))) } }
    return bytes + payload
}

/// The payload of the embedded gzip fixtures: `x ← (1103515245·x + 12345) mod 2³¹`
/// from `x = 1`, each byte `16·((x >> 16) mod 16)`.
func fixturePayload(_ count: Int) -> [UInt8] {
    var x: UInt64 = 1
    return (0..<count).map { _ in
        x = (x &* 1_103_515_245 &+ 12345) % (1 << 31)
        return UInt8(((x >> 16) % 16) * 16)
    }
}

func expectMalformed(_ path: String, mentioning words: String, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a malformed-file error for \(path)")
    } catch let LinearAlgebraError.malformedFile(errorPath, reason) {
        #expect(errorPath == path)
        #expect(reason.contains(words), "reason: \(reason)")
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

@Suite("File loaders: IDX (raw and gzip), CSV, .npy")
struct FileLoaderTests {
    /// gzip of a 2 × 3 × 3 IDX file by Python's `gzip.compress(level 9)`: a fixed-Huffman block.
    static let fixedHuffman = "H4sIAAAAAAACA2Ng4GBmYGBgAmIQzZzwQGDDhg0KGxwSLnw4cECgQOADAGD2n5AiAAAA"
    /// The same file through `zlib.compressobj(level 0, wbits 31)`: a stored block.
    static let stored = "H4sIAAAAAAAEAwEiAN3/AAAIAwAAAAIAAAADAAAAA2DgELCwsCCwQGDQ8MDAEHAQ8GD2n5AiAAAA"

    @Test func idxImagesAndLabelsRawAndCompressed() throws {
        let directory = try temporaryDirectory("idx")
        let images = directory + "/images.idx", labels = directory + "/labels.idx"
        write(idxBytes(type: 0x08, shape: [3, 2, 2], payload: [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8]), to: images)
        write(idxBytes(type: 0x08, shape: [3], payload: [2, 0, 1]), to: labels)
        let data = try LabeledDataSet<Double>(idxImages: images, idxLabels: labels)
        #expect(data.count == 3 && data.featureCount == 4 && data.classCount == 3 && data.labels == [2, 0, 1])
        #expect(try data.features.column(0) == [0, 1, 0.2, 0.4])
        // Other element types, big-endian: Int16 and Float64.
        let shorts = directory + "/shorts.idx"
        write(idxBytes(type: 0x0B, shape: [1, 2], payload: [0xFF, 0xFE, 0x01, 0x00]), to: shorts)
        #expect(try IDXFormat.readMatrix(contentsOf: shorts, as: Float.self).elements == [-2, 256])
        let doubles = directory + "/doubles.idx"
        write(idxBytes(type: 0x0E, shape: [1], payload: [0x3F, 0xF8, 0, 0, 0, 0, 0, 0]), to: doubles)
        #expect(try IDXFormat.readMatrix(contentsOf: doubles, as: Double.self).elements == [1.5])

        for (name, fixture) in [("fixed", Self.fixedHuffman), ("stored", Self.stored)] {
            let path = directory + "/\(name).idx.gz"
            write([UInt8](Data(base64Encoded: fixture)!), to: path)
            let matrix = try IDXFormat.readMatrix(contentsOf: path, as: Double.self)
            #expect(matrix.rows == 9 && matrix.columns == 2)
            #expect(matrix.elements == fixturePayload(18).map(Double.init), "\(name)")
        }
        let dynamic = directory + "/dynamic.idx.gz"
        write([UInt8](Data(base64Encoded: GzipFixture.dynamicHuffman)!), to: dynamic)
        let large = try IDXFormat.readMatrix(contentsOf: dynamic, as: Float.self)
        #expect(large.rows == 64 && large.columns == 50)
        #expect(large.elements == fixturePayload(3200).map(Float.init))
    }

    @Test func malformedIDXFilesThrowNamingTheFile() throws {
        let directory = try temporaryDirectory("idx-bad")
        let path = directory + "/bad.idx"
        let cases: [([UInt8], String)] = [
            ([0, 0, 8], "shorter than the 4-byte"),
            ([1, 0, 8, 1, 0, 0, 0, 1, 7], "magic 00 00 (found 01 00)"),
            (Array("0,1\n".utf8), "magic 00 00 (found 30 2c)"),
            ([0, 0, 0x42, 1, 0, 0, 0, 1, 7], "element type"),
            ([0, 0, 8, 2, 0, 0, 0, 1], "truncated inside"),
            (idxBytes(type: 0x08, shape: [2, 2], payload: [1, 2, 3]), "truncated"),
            (idxBytes(type: 0x08, shape: [1, 2], payload: [1, 2, 3]), "beyond"),
        ]
        for (bytes, words) in cases {
            write(bytes, to: path)
            expectMalformed(path, mentioning: words) { _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self) }
        }
        write(idxBytes(type: 0x08, shape: [1, 2], payload: [1, 2]), to: path)
        expectMalformed(path, mentioning: "one-dimensional") { _ = try IDXFormat.readLabels(contentsOf: path) }
        write(idxBytes(type: 0x09, shape: [2], payload: [1, 0xFF]), to: path)
        expectMalformed(path, mentioning: "label 1") { _ = try IDXFormat.readLabels(contentsOf: path) }
        let missing = directory + "/missing.idx"
        expectMalformed(missing, mentioning: "does not exist") { _ = try IDXFormat.readLabels(contentsOf: missing) }
        expectMalformed(directory, mentioning: "is a directory") { _ = try IDXFormat.readLabels(contentsOf: directory) }
        // Mismatched item counts between images and labels.
        let images = directory + "/images.idx", labels = directory + "/labels.idx"
        write(idxBytes(type: 0x08, shape: [2, 1], payload: [1, 2]), to: images)
        write(idxBytes(type: 0x08, shape: [3], payload: [0, 1, 0]), to: labels)
        expectMalformed(labels, mentioning: "3 labels") {
            _ = try LabeledDataSet<Float>(idxImages: images, idxLabels: labels)
        }
        // Corrupt gzip: a flipped payload byte breaks the CRC (or the code), a cut file the trailer.
        var corrupt = [UInt8](Data(base64Encoded: Self.stored)!)
        corrupt[30] ^= 0x01
        write(corrupt, to: path)
        expectMalformed(path, mentioning: "CRC-32") { _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self) }
        let cut = [UInt8](Data(base64Encoded: Self.fixedHuffman)!).dropLast(6)
        write(Array(cut), to: path)
        expectMalformed(path, mentioning: "gzip") { _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self) }
        write([0x1F, 0x8B, 7, 0, 0, 0, 0, 0, 0, 0], to: path)
        expectMalformed(path, mentioning: "not DEFLATE") {
            _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self)
        }
    }

    @Test func idxShapesWhoseSizeOverflowsThrow() throws {
        let directory = try temporaryDirectory("idx-huge")
        let path = directory + "/huge.idx"
        // (2³¹ − 1)² values fit in Int, their 8·(2³¹ − 1)² bytes do not.
        write(idxBytes(type: 0x0E, shape: [0x7FFF_FFFF, 0x7FFF_FFFF], payload: []), to: path)
        expectMalformed(path, mentioning: "too large") { _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self) }
        // Zero items, so no data bytes, but item dimensions whose product overflows.
        write(idxBytes(type: 0x08, shape: [0, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: []), to: path)
        expectMalformed(path, mentioning: "too large") { _ = try IDXFormat.readMatrix(contentsOf: path, as: Float.self) }
        write(idxBytes(type: 0x0C, shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [1]), to: path)
        expectMalformed(path, mentioning: "too large") { _ = try IDXFormat.readLabels(contentsOf: path) }
        // Zero items of a sane shape are an empty matrix; a zero-dimensional file has no items.
        write(idxBytes(type: 0x08, shape: [0, 3, 2], payload: []), to: path)
        let empty = try IDXFormat.readMatrix(contentsOf: path, as: Double.self)
        #expect(empty.rows == 6 && empty.columns == 0)
        write(idxBytes(type: 0x08, shape: [], payload: [7]), to: path)
        expectMalformed(path, mentioning: "zero dimensions") {
            _ = try IDXFormat.readMatrix(contentsOf: path, as: Double.self)
        }
        write([], to: path)
        expectMalformed(path, mentioning: "0 bytes") { _ = try IDXFormat.readLabels(contentsOf: path) }
    }

    /// Every single-bit flip and every truncation of a gzip file, and random DEFLATE data
    /// behind a valid header: the decoder either throws a malformed-file error or returns
    /// the original data (flips in the ignored header fields and the padding bits after the
    /// last block), never traps and never returns different data (CRC-32 detects every
    /// single-bit error).
    @Test func corruptGzipNeverTrapsOrReturnsWrongData() throws {
        let directory = try temporaryDirectory("gzip-fuzz")
        let path = directory + "/fuzz.idx.gz"
        let original = [UInt8](Data(base64Encoded: Self.fixedHuffman)!)
        let expected = fixturePayload(18).map(Float.init)
        func decodesToOriginalOrThrows(_ bytes: [UInt8], _ note: String) {
            write(bytes, to: path)
            do {
                let matrix = try IDXFormat.readMatrix(contentsOf: path, as: Float.self)
                #expect(matrix.elements == expected, "\(note) decoded to different data")
            } catch LinearAlgebraError.malformedFile(let errorPath, _) {
                #expect(errorPath == path)
            } catch {
                Issue.record("\(note): unexpected error \(error)")
            }
        }
        for position in original.indices {
            for bit in 0..<8 {
                var flipped = original
                flipped[position] ^= 1 << bit
                decodesToOriginalOrThrows(flipped, "bit \(bit) of byte \(position) flipped")
            }
        }
        for length in 0..<original.count {
            write(Array(original.prefix(length)), to: path)
            #expect(throws: LinearAlgebraError.self, "cut to \(length) bytes") {
                try IDXFormat.readMatrix(contentsOf: path, as: Float.self)
            }
        }
        var generator = Xoshiro256StarStar(seed: 80)
        for trial in 0..<300 {
            let count = Int(generator.next(upperBound: UInt64(200)))
            let body = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            decodesToOriginalOrThrows([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0] + body, "random body \(trial)")
        }
    }

    @Test func csvWithHeaderAndLabelColumn() throws {
        let directory = try temporaryDirectory("csv")
        let path = directory + "/data.csv"
        try "x1, x2, label\n0.5, -1, 2\n1e-1,3,0\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try LabeledDataSet<Float>(csvFile: path, labelColumn: .index(2), header: .present, classCount: 4)
        #expect(data.labels == [2, 0] && data.classCount == 4)
        #expect(data.features == (try Matrix(rowsOf: [[0.5, 0.1], [-1, 3]])))
        let cases: [(String, String)] = [
            ("1,2\n0,x\n", "line 2, column 2"),
            ("1,2,3\n0,1\n", "line 2 has 2 fields"),
            ("-1,2\n", "not a class id"),
            ("1.5,2\n", "not a class id"),
            ("1\n", "at least one feature"),
            ("\n\n", "no data lines"),
            ("", "no data lines"),
            ("0,nan\n", "not a finite number"),
            ("0,-inf\n", "not a finite number"),
            ("0,1e400\n", "not a finite number"),
            ("nan,1\n", "not a finite number"),
            ("1e300,1\n", "not a class id"),
            ("0,1,2\n0,1,\n", "line 2, column 3"),
            ("0,1\n2,3,4\n", "line 2 has 3 fields"),
            ("label,x,y\n1,2\n", "the header has 3 fields, the data lines 2"),
            ("label,x\n", "its one line was read as a header"),
        ]
        for (text, words) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            expectMalformed(path, mentioning: words) { _ = try LabeledDataSet<Double>(csvFile: path) }
        }
        expectMalformed(directory + "/none.csv", mentioning: "does not exist") {
            _ = try LabeledDataSet<Double>(csvFile: directory + "/none.csv")
        }
        // Finite in Double, infinite in Float: a malformed file for Float, data for Double.
        try "0,1e39\n".write(toFile: path, atomically: true, encoding: .utf8)
        expectMalformed(path, mentioning: "overflows Float") {
            _ = try LabeledDataSet<Float>(csvFile: path, labelColumn: .first)
        }
        #expect(try LabeledDataSet<Double>(csvFile: path, labelColumn: .first).features[0, 0] == 1e39)
        // Not text at all (a NumPy file given as CSV), and a label column beyond the line.
        write(Array("\u{93}NUMPY".utf8) + [1, 0, 0x76, 0], to: path)
        expectMalformed(path, mentioning: "is not text (byte 9 is 0)") { _ = try LabeledDataSet<Double>(csvFile: path) }
        try "0,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        expectMalformed(path, mentioning: "the label column 100 (0-based index 99)") {
            _ = try LabeledDataSet<Double>(csvFile: path, labelColumn: .index(99))
        }
        expectMalformed(path, mentioning: "(0-based index -1)") {
            _ = try LabeledDataSet<Double>(csvFile: path, labelColumn: .index(-1))
        }
        try "0,1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LinearAlgebraError.self) { try LabeledDataSet<Double>(csvFile: path, classCount: 0) }
        #expect(throws: LinearAlgebraError.self) { try LabeledDataSet<Double>(csvFile: path, labelColumn: .index(2)) }
    }

    /// Six examples of four features: the first all zeros (as MNIST's corner pixel), the others
    /// 0…255; the class (0, 1 or 2) at `labelAt`, an optional header naming the columns.
    static func pixelLines(labelAt labelIndex: Int, header: [String]? = nil) -> String {
        let rows = (0..<6).map { k -> [String] in
            var fields = ["0"] + [(37 * k) % 256, (91 * k + 5) % 256, (173 * k + 11) % 256].map(String.init)
            fields.insert("\(k % 3)", at: labelIndex)
            return fields
        }
        return ([header].compactMap { $0 } + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The default label column is detected: the first if it holds class ids, a column the
    /// header names, else the last; the note says why when it is not the first.
    @Test(arguments: [false, true]) func detectedLabelColumn(inFloat: Bool) throws {
        func read(_ text: String) throws -> (labels: [Int], column: Int, note: CSVFormat.LabelColumnReason?, features: Int) {
            let bytes = Array(text.utf8)
            if inFloat {
                let c = try CSVFormat.parse(bytes, as: Float.self, path: "t.csv")
                return (c.labels, c.labelColumn, c.labelColumnReason, c.features.rows)
            }
            let c = try CSVFormat.parse(bytes, as: Double.self, path: "t.csv")
            return (c.labels, c.labelColumn, c.labelColumnReason, c.features.rows)
        }
        let classes = (0..<6).map { $0 % 3 }
        let first = try read(Self.pixelLines(labelAt: 0))
        #expect(first.labels == classes && first.column == 0 && first.note == nil && first.features == 4)
        // The first column is the zero pixel (one value): the last holds the classes.
        let last = try read(Self.pixelLines(labelAt: 4))
        #expect(last.labels == classes && last.column == 4 && last.note == .firstHoldsNoClassIDs)
        let named = try read(Self.pixelLines(labelAt: 2, header: ["p0", "p1", "Label", "p2", "p3"]))
        #expect(named.labels == classes && named.column == 2 && named.note == .namedInHeader("Label"))
        // A column the header names wins whatever the others hold, the first included.
        let namedAfterFractions = try read("x,label,y\n0.5,0,3.5\n0.25,1,2.5\n")
        #expect(namedAfterFractions.labels == [0, 1] && namedAfterFractions.column == 1
            && namedAfterFractions.note == .namedInHeader("label"))
        let namedFirst = try read("label,a,b\n0,5,1\n0,6,2\n")
        #expect(namedFirst.labels == [0, 0] && namedFirst.column == 0 && namedFirst.note == nil)
        let fractions = try read("0.5,1,0\n0.25,2,1\n0.75,3,1\n")
        #expect(fractions.labels == [0, 1, 1] && fractions.column == 2 && fractions.note == .firstHoldsNonIntegers)
        // Both ends hold class ids (an integer feature at one of them): no guess, the column must be given.
        #expect(throws: LinearAlgebraError.malformedFile(path: "t.csv", reason: "has class ids in its first and its last "
            + "column (3 and 8 classes), so its label column must be given")) { try read("1,0.5,5\n0,0.25,3\n2,0.75,7\n") }
        // Neither end holds class ids: the first column's values give the error.
        #expect(throws: LinearAlgebraError.malformedFile(path: "t.csv", reason: "line 1, column 1: label 0.5 is not a "
            + "class id (an integer ≥ 0); is the label in another column?")) { try read("0.5,1,0.5\n0.25,2,1.5\n") }
        // The data set's initialiser detects by default, as the parser does.
        let directory = try temporaryDirectory("csv-detect")
        try Self.pixelLines(labelAt: 4).write(toFile: directory + "/d.csv", atomically: true, encoding: .utf8)
        #expect(try LabeledDataSet<Float>(csvFile: directory + "/d.csv").labels == classes)
        #expect(try LabeledDataSet<Double>(csvFile: directory + "/d.csv", labelColumn: .first).classCount == 1)
    }

    @Test func numPyFeatureAndLabelPairs() throws {
        let directory = try temporaryDirectory("npy")
        let features = directory + "/x.npy", labels = directory + "/y.npy"
        let rows = try Matrix<Double>(rowsOf: [[1, 2, 3], [4, 5, 6]])
        try rows.writeNumPyFile(to: features)
        try Matrix<Double>(column: [1, 0]).writeNumPyFile(to: labels, asVector: true)
        let data = try LabeledDataSet<Double>(numPyFeatures: features, numPyLabels: labels)
        #expect(data.features == rows.transposed() && data.labels == [1, 0] && data.classCount == 2)
        try Matrix<Double>(column: [1, 0, 1]).writeNumPyFile(to: labels)
        expectMalformed(labels, mentioning: "3 labels") {
            _ = try LabeledDataSet<Double>(numPyFeatures: features, numPyLabels: labels)
        }
        try Matrix<Double>(column: [1, 0.5]).writeNumPyFile(to: labels)
        expectMalformed(labels, mentioning: "value 1 is 0.5") {
            _ = try LabeledDataSet<Double>(numPyFeatures: features, numPyLabels: labels)
        }
        try Matrix<Double>(rows: 2, columns: 2).writeNumPyFile(to: labels)
        expectMalformed(labels, mentioning: "must be a vector") {
            _ = try LabeledDataSet<Double>(numPyFeatures: features, numPyLabels: labels)
        }
        write([1, 2, 3], to: features)
        expectMalformed(features, mentioning: "NumPy") {
            _ = try LabeledDataSet<Double>(numPyFeatures: features, numPyLabels: labels)
        }
    }
}
