import CZlib
import DenseLinearAlgebra
import Foundation

/// Reading and writing zip archives of named files, the container of NumPy's `.npz`
/// (`np.savez`, `np.savez_compressed`) and of kronkit's checkpoints.
///
/// Reading accepts stored and DEFLATE-compressed entries (through the system zlib) and
/// checks each entry's CRC-32; writing stores entries uncompressed, so that `np.load`
/// and `zipfile` read them and their arrays can be memory-mapped. ZIP64 (archives or
/// entries of 4 GiB and more, or more than 65 535 entries) is not supported and is refused.
///
/// Reference: PKWARE, "APPNOTE.TXT — .ZIP File Format Specification", sections 4.3 and 4.4.
public enum NumPyArchive {
    /// One named file of an archive.
    public struct Entry: Sendable {
        /// The file's name inside the archive (`x.npy`).
        public var name: String
        /// The file's bytes, uncompressed.
        public var contents: [UInt8]

        /// An entry of `contents` named `name`.
        public init(name: String, contents: [UInt8]) {
            self.name = name
            self.contents = contents
        }
    }

    /// Every entry of the archive at `path`, in archive order.
    /// - Complexity: one pass over the file, plus decompression of compressed entries.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` for a missing file, one that is
    ///   not a zip archive, a truncated or corrupt entry (CRC-32 mismatch), another compression
    ///   method than stored or DEFLATE, or ZIP64.
    public static func read(contentsOf path: String) throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LinearAlgebraError.malformedFile(path: path, reason: "cannot be read (missing or not readable)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// The entries of an archive image. `path` names the source in error messages.
    /// - Throws: as ``read(contentsOf:)``.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [Entry] {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        func word(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24 }
        func half(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65 535.
        guard bytes.count >= 22 else { throw fail("is not a zip archive (too short)") }
        var end = bytes.count - 22
        while end >= max(0, bytes.count - 22 - 0xFFFF), word(end) != 0x0605_4B50 { end -= 1 }
        guard end >= 0, word(end) == 0x0605_4B50 else { throw fail("is not a zip archive (no end-of-directory record)") }
        let count = half(end + 10)
        let directorySize = word(end + 12), directoryOffset = word(end + 16)
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw fail("is a ZIP64 archive, which is not supported") }
        guard directoryOffset + directorySize <= end else { throw fail("has a central directory beyond its end") }
        var entries: [Entry] = []
        var offset = directoryOffset
        for index in 0..<count {
            guard offset + 46 <= end, word(offset) == 0x0201_4B50 else {
                throw fail("has a malformed central directory entry \(index)")
            }
            let method = half(offset + 10), crc = UInt32(word(offset + 16))
            let compressedSize = word(offset + 20), size = word(offset + 24)
            let nameLength = half(offset + 28), extraLength = half(offset + 30), commentLength = half(offset + 32)
            let local = word(offset + 42)
            guard offset + 46 + nameLength <= end else { throw fail("has a truncated central directory entry \(index)") }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            offset += 46 + nameLength + extraLength + commentLength
            guard compressedSize != 0xFFFF_FFFF, size != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
                throw fail("has an entry \(name) in ZIP64, which is not supported")
            }
            guard local + 30 <= bytes.count, word(local) == 0x0403_4B50 else {
                throw fail("has no local header for entry \(name) at offset \(local)")
            }
            let start = local + 30 + half(local + 26) + half(local + 28)
            guard start + compressedSize <= bytes.count else { throw fail("has a truncated entry \(name)") }
            let stored = bytes[start..<(start + compressedSize)]
            let contents: [UInt8]
            switch method {
            case 0:
                guard compressedSize == size else { throw fail("has a stored entry \(name) with two different sizes") }
                contents = Array(stored)
            case 8:
                contents = try Gzip.inflateRaw(stored, expectedSize: size, path: path, entry: name)
            default:
                throw fail("has an entry \(name) in compression method \(method); only stored (0) and DEFLATE (8) are read")
            }
            guard checksum(contents) == crc else { throw fail("has a corrupt entry \(name) (CRC-32 mismatch)") }
            entries.append(Entry(name: name, contents: contents))
        }
        return entries
    }

    /// Writes `entries` as an uncompressed zip archive at `path`, atomically (a temporary file
    /// in the same folder renamed into place).
    /// - Complexity: one pass over the entries (their CRC-32 and one write).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)`` when the file cannot be
    ///   written, or the archive would need ZIP64.
    public static func write(_ entries: [Entry], to path: String) throws {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: reason) }
        guard entries.count < 0xFFFF else { throw fail("\(entries.count) entries need ZIP64, which is not written") }
        var directory: [UInt8] = []
        var offset = 0
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard let file = fopen(temporary, "wb") else {
            throw fail("cannot be written (\(String(cString: strerror(errno))))")
        }
        var closed = false
        defer {
            if !closed { fclose(file) }
            unlink(temporary)
        }
        func put(_ bytes: [UInt8]) throws {
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == bytes.count else { throw fail("cannot be written (\(String(cString: strerror(errno))))") }
        }
        for entry in entries {
            let name = Array(entry.name.utf8)
            guard entry.contents.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF else {
                throw fail("entry \(entry.name) lies beyond 4 GiB and needs ZIP64, which is not written")
            }
            let crc = checksum(entry.contents)
            // Version 2.0, no flags, stored, no time stamp (a fixed 1980-01-01 keeps files reproducible).
            let common = littleEndian(20, 2) + littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(0, 2)
                + littleEndian(0x21, 2) + littleEndian(Int(crc), 4) + littleEndian(entry.contents.count, 4)
                + littleEndian(entry.contents.count, 4) + littleEndian(name.count, 2) + littleEndian(0, 2)
            try put(littleEndian(0x0403_4B50, 4) + common + name)
            try put(entry.contents)
            directory += littleEndian(0x0201_4B50, 4) + littleEndian(20, 2) + common + littleEndian(0, 2)
                + littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(0, 4) + littleEndian(offset, 4) + name
            offset += 30 + name.count + entry.contents.count
        }
        guard offset < 0xFFFF_FFFF else { throw fail("the archive exceeds 4 GiB and needs ZIP64, which is not written") }
        try put(directory)
        try put(littleEndian(0x0605_4B50, 4) + littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(entries.count, 2)
            + littleEndian(entries.count, 2) + littleEndian(directory.count, 4) + littleEndian(offset, 4)
            + littleEndian(0, 2))
        closed = true
        guard fclose(file) == 0 else { throw fail("cannot be written (\(String(cString: strerror(errno))))") }
        guard rename(temporary, path) == 0 else {
            throw fail("cannot be written (\(String(cString: strerror(errno))))")
        }
    }

    /// zlib's CRC-32 of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc = crc32(0, nil, 0)
            var position = 0
            while position < buffer.count {
                let length = min(buffer.count - position, Int(UInt32.max))
                crc = crc32(crc, buffer.extracting(position...).baseAddress, uInt(length))
                position += length
            }
            return UInt32(crc)
        }
    }

    /// `value`'s low `width` bytes, least significant first.
    static func littleEndian(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
