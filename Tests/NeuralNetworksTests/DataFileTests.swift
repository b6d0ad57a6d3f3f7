import CZlib
import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

/// `bytes` gzip-compressed: zlib's `compress2` stream without its 2-byte header and Adler-32
/// trailer is raw DEFLATE, wrapped here in a gzip header and CRC-32/length trailer.
func gzipped(_ bytes: [UInt8]) -> [UInt8] {
    var length = compressBound(uLong(bytes.count))
    var compressed = [UInt8](repeating: 0, count: Int(length))
    let status = compress2(&compressed, &length, bytes, uLong(bytes.count), 9)
    precondition(status == Z_OK, "zlib compress2 failed with \(status)")
    let deflate = compressed[2..<(Int(length) - 4)]
    let crc = UInt32(crc32(0, bytes, uInt(bytes.count)))
    func littleEndian(_ word: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + deflate + littleEndian(crc) + littleEndian(UInt32(bytes.count))
}

/// A `.npy` image of integers with dtype `descriptor` (e.g. `<i8`), values given as raw bytes.
func numPyIntegers(_ descriptor: String, shape: String, payload: [UInt8]) -> [UInt8] {
    var text = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shape), }"
    text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
    let length = text.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(text.utf8) + payload
}

@Suite("Data files as users have them: label-last and gzip CSV, integer .npy labels, normalization")
struct DataFileTests {
    /// Six examples of three features and labels 0…2, as label-first plain CSV text.
    static let rows: [[Double]] = [[0, 255, 12.5], [3, 4, 5], [250, 0, 1], [7, 7, 7], [1, 2, 3], [9, 8, 0]]
    static let labels = [2, 0, 1, 1, 0, 2]

    static func csv(labelLast: Bool, header: String? = nil, lineEnd: String = "\n") -> String {
        var text = header.map { $0 + lineEnd } ?? ""
        for (row, label) in zip(rows, labels) {
            let features = row.map { "\($0)" }
            text += (labelLast ? features + ["\(label)"] : ["\(label)"] + features).joined(separator: ",") + lineEnd
        }
        return text
    }

    @Test("label-last, gzip, CRLF and header CSVs load the same data set as the plain label-first one",
          arguments: [false, true])
    func csvVariants(double: Bool) throws {
        if double { try csvVariants(Double.self) } else { try csvVariants(Float.self) }
    }

    func csvVariants<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let directory = try temporaryDirectory("csv-variants-\(Scalar.self)")
        let plain = directory + "/plain.csv"
        try Self.csv(labelLast: false).write(toFile: plain, atomically: true, encoding: .utf8)
        let reference = try LabeledDataSet<Scalar>(csvFile: plain)
        #expect(reference.labels == Self.labels && reference.classCount == 3)
        #expect(reference.features == (try Matrix<Scalar>(rowsOf: Self.rows.map { $0.map { Scalar($0) } }).transposed()))

        let last = directory + "/last.csv"
        try Self.csv(labelLast: true).write(toFile: last, atomically: true, encoding: .utf8)
        let gzip = directory + "/last.csv.gz"
        write(gzipped(Array(Self.csv(labelLast: true, header: "a,b,c,label", lineEnd: "\r\n").utf8)), to: gzip)
        let headed = directory + "/header.csv"
        try Self.csv(labelLast: false, header: "label, x, y, z").write(toFile: headed, atomically: true, encoding: .utf8)
        let column = directory + "/column.csv"
        let middle = zip(Self.rows, Self.labels).map { row, label in "\(row[0]),\(label),\(row[1]),\(row[2])" }
        try middle.joined(separator: "\n").write(toFile: column, atomically: true, encoding: .utf8)
        let variants: [(String, CSVFormat.LabelColumn)] = [(last, .last), (gzip, .last), (headed, .first), (column, .index(1))]
        for (path, labelColumn) in variants {
            let data = try LabeledDataSet<Scalar>(csvFile: path, labelColumn: labelColumn)
            #expect(data.features == reference.features, "\(path)")
            #expect(data.labels == reference.labels && data.classCount == 3, "\(path)")
        }
        let contents = try CSVFormat.read(contentsOf: gzip, as: Scalar.self, labelColumn: .last)
        #expect(contents.header == ["a", "b", "c", "label"] && contents.labelColumn == 3)
        // A forced header drops the first data line; none keeps a numeric first line as data. (Without
        // the line holding 12.5, both end columns hold class ids, so the label column is given.)
        #expect(try LabeledDataSet<Scalar>(csvFile: plain, labelColumn: .first, header: .present).count == 5)
        #expect(throws: LinearAlgebraError.self) { try LabeledDataSet<Scalar>(csvFile: plain, header: .present) }
        #expect(throws: LinearAlgebraError.self) { try LabeledDataSet<Scalar>(csvFile: headed, header: .absent) }
        // Detected: a first line of numbers with one bad field is data with an error, not a header
        // that silently drops an example; a header of mostly names is a header.
        let badFirst = directory + "/bad-first.csv"
        try Self.csv(labelLast: false).replacingOccurrences(of: "2,0.0,255.0", with: "2,abc,255.0")
            .write(toFile: badFirst, atomically: true, encoding: .utf8)
        expectMalformed(badFirst, mentioning: "line 1, column 2: 'abc' is not a finite number (this first line is mostly numbers") {
            _ = try LabeledDataSet<Scalar>(csvFile: badFirst)
        }
        // Semicolons: the long field is shown in part, and the separator is named.
        let semicolons = directory + "/semicolons.csv"
        try Self.csv(labelLast: false).replacingOccurrences(of: ",", with: ";").write(toFile: semicolons, atomically: true, encoding: .utf8)
        expectMalformed(semicolons, mentioning: "'2;0.0;255.0;12.5' is not a finite number (fields are separated by commas") {
            _ = try LabeledDataSet<Scalar>(csvFile: semicolons, header: .absent)
        }
        // Detected, its first line (one field, not a number) is a header; the second is named, as data.
        expectMalformed(semicolons, mentioning: "line 2, column 1: '0;3.0;4.0;5.0' is not a finite number (fields are") {
            _ = try LabeledDataSet<Scalar>(csvFile: semicolons)
        }
        let named = directory + "/named.csv"
        try Self.csv(labelLast: false, header: "label,x,3,z").write(toFile: named, atomically: true, encoding: .utf8)
        #expect(try CSVFormat.read(contentsOf: named, as: Scalar.self).header == ["label", "x", "3", "z"])
    }

    @Test("a label column holding pixels, a gzip file cut short or corrupted: malformed-file errors naming the file")
    func badCSVs() throws {
        let directory = try temporaryDirectory("csv-bad")
        let path = directory + "/data.csv.gz"
        // Read label-first, the label-last file's first column holds 12.5: not a class id.
        let text = Array(Self.csv(labelLast: true).utf8)
        write(gzipped(text), to: path)
        expectMalformed(path, mentioning: "label 12.5 is not a class id") {
            _ = try LabeledDataSet<Double>(csvFile: path, labelColumn: .index(2))
        }
        expectMalformed(path, mentioning: "not below the class count 2") {
            _ = try LabeledDataSet<Double>(csvFile: path, labelColumn: .last, classCount: 2)
        }
        write(Array(gzipped(text).dropLast(12)), to: path)
        expectMalformed(path, mentioning: "gzip: the data is truncated") { _ = try LabeledDataSet<Double>(csvFile: path) }
        var corrupt = gzipped(text)
        corrupt[corrupt.count - 6] ^= 0x10  // inside the CRC-32
        write(corrupt, to: path)
        expectMalformed(path, mentioning: "CRC-32 mismatch") { _ = try LabeledDataSet<Double>(csvFile: path) }
        // Two gzip members concatenated (as `cat a.gz b.gz` makes) are one file.
        write(gzipped(Array(text.prefix(through: text.firstIndex(of: 0x0A)!))) + gzipped(Array(text[(text.firstIndex(of: 0x0A)! + 1)...])),
              to: path)
        #expect(try LabeledDataSet<Double>(csvFile: path, labelColumn: .last).labels == Self.labels)
    }

    @Test("integer .npy labels of every width and byte order load; float labels holding integers too",
          arguments: [false, true])
    func integerLabels(double: Bool) throws {
        if double { try integerLabels(Double.self) } else { try integerLabels(Float.self) }
    }

    func integerLabels<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let directory = try temporaryDirectory("npy-int-\(Scalar.self)")
        let features = directory + "/x.npy", labels = directory + "/y.npy"
        try Matrix<Float>(rowsOf: [[1, 2], [3, 4], [5, 6]]).writeNumPyFile(to: features)
        let values = [2, 0, 1]
        func bytes(_ width: Int, bigEndian: Bool) -> [UInt8] {
            values.flatMap { value in
                let little = (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
                return bigEndian ? little.reversed() : little
            }
        }
        for (descriptor, width, big) in [("<i8", 8, false), ("<i4", 4, false), (">i4", 4, true), ("|u1", 1, false),
                                         ("|i1", 1, false), ("<u2", 2, false), (">u8", 8, true)] {
            write(numPyIntegers(descriptor, shape: "(3,)", payload: bytes(width, bigEndian: big)), to: labels)
            let data = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
            #expect(data.labels == values && data.classCount == 3, "\(descriptor)")
        }
        write(numPyIntegers("<i8", shape: "(3, 1)", payload: bytes(8, bigEndian: false)), to: labels)
        #expect(try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels).labels == values)
        // −1 as int8 is a negative label; a dtype that holds no integers is named.
        write(numPyIntegers("|i1", shape: "(3,)", payload: [2, 0xFF, 1]), to: labels)
        expectMalformed(labels, mentioning: "label 1 is -1") {
            _ = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
        }
        write(numPyIntegers(">u8", shape: "(3,)", payload: [0, 0, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0xFF, count: 8)
            + [0, 0, 0, 0, 0, 0, 0, 0]), to: labels)
        expectMalformed(labels, mentioning: "value 1 exceeds the largest Int") {
            _ = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
        }
        write(numPyIntegers("<c8", shape: "(3,)", payload: []), to: labels)
        expectMalformed(labels, mentioning: "dtype '<c8'") {
            _ = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
        }
        write(numPyIntegers("<i4", shape: "(3,)", payload: bytes(4, bigEndian: false).dropLast()), to: labels)
        expectMalformed(labels, mentioning: "truncated") {
            _ = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
        }
        // A NaN feature is reported against the features file, with its example and feature.
        try Matrix<Float>(rowsOf: [[1, 2], [3, .nan], [5, 6]]).writeNumPyFile(to: features)
        write(numPyIntegers("<i8", shape: "(3,)", payload: bytes(8, bigEndian: false)), to: labels)
        expectMalformed(features, mentioning: "example 2, feature 2 is nan") {
            _ = try LabeledDataSet<Scalar>(numPyFeatures: features, numPyLabels: labels)
        }
    }

    @Test("unit maps the training range onto [0, 1]; standard gives each feature mean 0 and deviation 1",
          arguments: [false, true])
    func normalization(double: Bool) throws {
        if double { try normalization(Double.self) } else { try normalization(Float.self) }
    }

    func normalization<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let features = try Matrix<Scalar>(rowsOf: Self.rows.map { $0.map { Scalar($0) } }).transposed()
        // Each result is a few roundings of values of order 1 (a subtraction, a product, and for
        // `standard` a sum over 6 examples): 16 ulps covers them with room.
        let tolerance = 16 * Scalar.ulpOfOne
        let unit = try FeatureNormalization(fitting: features, method: .unit).apply(to: features)
        #expect(abs(unit.elements.min()!) <= tolerance && abs(unit.elements.max()! - 1) <= tolerance)
        #expect(abs(unit[1, 0] - 255 / 255) <= tolerance && abs(unit[2, 0] - 12.5 / 255) <= tolerance)
        let standard = try FeatureNormalization(fitting: features, method: .standard).apply(to: features)
        for i in 0..<standard.rows {
            let row = (0..<standard.columns).map { standard[i, $0] }
            let mean = row.reduce(0, +) / Scalar(row.count)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Scalar(row.count)
            #expect(abs(mean) <= tolerance && abs(variance - 1) <= tolerance, "feature \(i)")
        }
        let none = try FeatureNormalization(fitting: features, method: .none)
        #expect(none.isIdentity)
        #expect(try none.apply(to: features) == features)
        // A constant feature is centred, not divided by zero; a map refuses another feature count.
        let constant = try Matrix<Scalar>(rowsOf: [[3, 3, 3]])
        #expect(try FeatureNormalization(fitting: constant, method: .standard).apply(to: constant).elements == [0, 0, 0])
        #expect(throws: LinearAlgebraError.self) {
            try FeatureNormalization(fitting: constant, method: .unit).apply(to: features)
        }
        // A NaN or infinite feature would make the map, or its output, NaN: refused instead.
        var broken = features
        broken[1, 2] = .nan
        for method in NormalizationMethod.allCases {
            #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "FeatureNormalization(fitting:method:)",
                                                              argument: "features")) {
                try FeatureNormalization(fitting: broken, method: method)
            }
            broken[1, 2] = -.infinity
            #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "FeatureNormalization.apply", argument: "features")) {
                try FeatureNormalization(fitting: features, method: method).apply(to: broken)
            }
            broken[1, 2] = .nan
        }
    }
}

/// A zip archive whose entries are DEFLATE-compressed (method 8), as `np.savez_compressed` writes:
/// each entry is zlib's `compress2` stream without its header and trailer.
func deflatedZip(_ entries: [(String, [UInt8])]) -> [UInt8] {
    func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    var archive: [UInt8] = [], directory: [UInt8] = []
    for (name, contents) in entries {
        var length = compressBound(uLong(contents.count))
        var compressed = [UInt8](repeating: 0, count: Int(length))
        precondition(compress2(&compressed, &length, contents, uLong(contents.count), 6) == Z_OK)
        let deflate = Array(compressed[2..<(Int(length) - 4)])
        let crc = Int(crc32(0, contents, uInt(contents.count)))
        let common = le(20, 2) + le(0, 2) + le(8, 2) + le(0, 4) + le(crc, 4) + le(deflate.count, 4) + le(contents.count, 4)
            + le(name.utf8.count, 2) + le(0, 2)
        directory += le(0x0201_4B50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4)
            + le(archive.count, 4) + Array(name.utf8)
        archive += le(0x0403_4B50, 4) + common + Array(name.utf8) + deflate
    }
    return archive + directory + le(0x0605_4B50, 4) + le(0, 4) + le(entries.count, 2) + le(entries.count, 2)
        + le(directory.count, 4) + le(archive.count, 4) + le(0, 2)
}

@Suite(".npz archives: stored and compressed, arrays found by name or shape")
struct NumPyArchiveTests {
    static let rows: [[Double]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 1, 0]]
    static let labels = [1, 0, 2, 1]

    static var labelBytes: [UInt8] {
        numPyIntegers("<i8", shape: "(4,)", payload: labels.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })
    }

    @Test("np.savez and np.savez_compressed layouts load the same data set, in both precisions", arguments: [false, true])
    func archives(double: Bool) throws {
        if double { try archives(Double.self) } else { try archives(Float.self) }
    }

    func archives<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let directory = try temporaryDirectory("npz-\(Scalar.self)")
        let features = NumPyFormat.encode(try Matrix<Float>(rowsOf: Self.rows.map { $0.map(Float.init) }))
        let expected = try Matrix<Scalar>(rowsOf: Self.rows.map { $0.map { Scalar($0) } }).transposed()
        let stored = directory + "/stored.npz", compressed = directory + "/compressed.npz", named = directory + "/named.npz"
        try NumPyArchive.write([.init(name: "x.npy", contents: features), .init(name: "y.npy", contents: Self.labelBytes)],
                               to: stored)
        write(deflatedZip([("labels_of_digits.npy", Self.labelBytes), ("pixels.npy", features)]), to: compressed)
        try NumPyArchive.write([.init(name: "a.npy", contents: features), .init(name: "b.npy", contents: Self.labelBytes),
                                .init(name: "c.npy", contents: Self.labelBytes)], to: named)
        for (path, keys) in [(stored, (nil, nil)), (compressed, (nil, nil)), (named, ("a", "c"))] as [(String, (String?, String?))] {
            let data = try LabeledDataSet<Scalar>(numPyArchive: path, featuresKey: keys.0, labelsKey: keys.1)
            #expect(data.features == expected && data.labels == Self.labels && data.classCount == 3, "\(path)")
        }
        // Three arrays and none of the usual names: the message lists what the archive holds.
        expectMalformed(named, mentioning: "it holds a, b, c") { _ = try LabeledDataSet<Scalar>(numPyArchive: named) }
        expectMalformed(named, mentioning: "no array 'z'") {
            _ = try LabeledDataSet<Scalar>(numPyArchive: named, featuresKey: "z", labelsKey: "b")
        }
    }

    @Test("an archive round-trips; a flipped byte, a cut file or another format is a malformed file")
    func corruptArchives() throws {
        let directory = try temporaryDirectory("npz-bad")
        let path = directory + "/a.npz"
        let entries: [NumPyArchive.Entry] = [.init(name: "one", contents: Array("hello".utf8)), .init(name: "two", contents: [])]
        try NumPyArchive.write(entries, to: path)
        let read = try NumPyArchive.read(contentsOf: path)
        #expect(read.map(\.name) == ["one", "two"] && read.map(\.contents) == entries.map(\.contents))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[34] ^= 0x01  // inside "hello" (after the 30-byte header and the name "one")
        write(bytes, to: path)
        expectMalformed(path, mentioning: "has a corrupt entry one (CRC-32 mismatch)") { _ = try NumPyArchive.read(contentsOf: path) }
        bytes[34] ^= 0x01
        write(Array(bytes.dropLast(5)), to: path)
        expectMalformed(path, mentioning: "not a zip archive") { _ = try NumPyArchive.read(contentsOf: path) }
        write(Array("x,y\n".utf8), to: path)
        expectMalformed(path, mentioning: "not a zip archive") { _ = try NumPyArchive.read(contentsOf: path) }
        // Another compression method (12, bzip2), ZIP64, and an unwritable destination.
        var bzip = deflatedZip([("x.npy", Array("abc".utf8))])
        let centralStart = bzip.count - 22 - (46 + 5)
        (bzip[8], bzip[centralStart + 10]) = (12, 12)
        write(bzip, to: path)
        expectMalformed(path, mentioning: "compression method 12") { _ = try NumPyArchive.read(contentsOf: path) }
        var zip64 = deflatedZip([])
        (zip64[zip64.count - 12], zip64[zip64.count - 11]) = (0xFF, 0xFF)
        write(zip64, to: path)
        expectMalformed(path, mentioning: "ZIP64") { _ = try NumPyArchive.read(contentsOf: path) }
        expectMalformed("/nonexistent/folder/a.npz", mentioning: "cannot be written") {
            try NumPyArchive.write(entries, to: "/nonexistent/folder/a.npz")
        }
        // A cut compressed entry: zlib reports the stream as truncated.
        var deflated = deflatedZip([("x.npy", Array(repeating: 7, count: 500))])
        deflated[31 + 5] ^= 0xFF
        write(deflated, to: path)
        #expect(throws: LinearAlgebraError.self) { try NumPyArchive.read(contentsOf: path) }
    }
}
