// A gzip (RFC 1952) reader with a DEFLATE (RFC 1951) decoder, so that the IDX
// loader reads `.gz` files without a dependency beyond DenseLinearAlgebra.
// Decoding is canonical-Huffman, one bit at a time; MNIST's 10 MB of compressed
// images decode in about a second in a release build.

import DenseLinearAlgebra

/// Decompression of gzip files; every malformed input throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)``.
enum Gzip {
    /// `true` when `bytes` start with the gzip magic `1f 8b`.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The concatenated contents of every gzip member in `bytes`, checked against
    /// each member's CRC-32 and length.
    static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        func fail(_ reason: String) -> LinearAlgebraError { .malformedFile(path: path, reason: "gzip: " + reason) }
        var output: [UInt8] = []
        var offset = 0
        repeat {
            offset = try skipHeader(bytes, at: offset, fail: fail)
            let start = output.count
            var reader = BitReader(bytes: bytes, position: offset)
            try inflate(&reader, into: &output, fail: fail)
            offset = reader.alignedPosition
            guard offset + 8 <= bytes.count else { throw fail("truncated before the CRC-32 and length trailer") }
            let crc = littleEndianWord(bytes, at: offset)
            let length = littleEndianWord(bytes, at: offset + 4)
            guard crc == crc32(output[start...]) else { throw fail("CRC-32 mismatch, the data is corrupt") }
            guard length == UInt32(truncatingIfNeeded: output.count - start) else {
                throw fail("length trailer \(length) differs from the \(output.count - start) bytes decoded")
            }
            offset += 8
        } while offset < bytes.count && isCompressed(Array(bytes[offset...].prefix(2)))
        return output
    }

    /// The offset of the DEFLATE stream after a member header at `offset`.
    static func skipHeader(_ bytes: [UInt8], at offset: Int, fail: (String) -> LinearAlgebraError) throws -> Int {
        guard bytes.count >= offset + 10, bytes[offset] == 0x1F, bytes[offset + 1] == 0x8B else {
            throw fail("missing the 1f 8b magic bytes")
        }
        guard bytes[offset + 2] == 8 else { throw fail("compression method \(bytes[offset + 2]) is not DEFLATE (8)") }
        let flags = bytes[offset + 3]
        var position = offset + 10
        func skipZeroTerminated() throws {
            while position < bytes.count && bytes[position] != 0 { position += 1 }
            guard position < bytes.count else { throw fail("header field runs past the end of the file") }
            position += 1
        }
        if flags & 0x04 != 0 {
            guard position + 2 <= bytes.count else { throw fail("truncated extra field") }
            position += 2 + Int(bytes[position]) + Int(bytes[position + 1]) << 8
        }
        if flags & 0x08 != 0 { try skipZeroTerminated() }
        if flags & 0x10 != 0 { try skipZeroTerminated() }
        if flags & 0x02 != 0 { position += 2 }
        guard position <= bytes.count else { throw fail("truncated header") }
        return position
    }

    static func littleEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    /// CRC-32 with the reflected polynomial `0xEDB88320` (RFC 1952, Sec. 8).
    static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    /// Reads bits least-significant first, as DEFLATE packs them.
    struct BitReader {
        let bytes: [UInt8]
        var position: Int
        var buffer: UInt32 = 0
        var count: UInt32 = 0

        init(bytes: [UInt8], position: Int) {
            self.bytes = bytes
            self.position = position
        }

        /// The next `n ≤ 16` bits as an integer, or nil past the end of the input.
        mutating func bits(_ n: UInt32) -> Int? {
            while count < n {
                guard position < bytes.count else { return nil }
                buffer |= UInt32(bytes[position]) << count
                position += 1
                count += 8
            }
            let value = buffer & ((1 << n) - 1)
            buffer >>= n
            count -= n
            return Int(value)
        }

        /// Drops the bits left in the current byte.
        mutating func alignToByte() {
            buffer = 0
            count = 0
        }

        /// The offset of the first byte not consumed (after discarding partial-byte bits).
        var alignedPosition: Int { position - Int(count / 8) }
    }

    /// A canonical Huffman code as DEFLATE defines it: `counts[l]` codes of length `l`,
    /// `symbols` ordered by (length, symbol value).
    struct HuffmanCode {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        /// The code for symbol lengths `lengths` (0 = symbol unused).
        init(lengths: ArraySlice<Int>, fail: (String) -> LinearAlgebraError) throws {
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var available = 1
            for length in 1...15 {
                available = available * 2 - counts[length]
                guard available >= 0 else { throw fail("over-subscribed Huffman code") }
            }
            for length in 1...15 {
                for (symbol, l) in zip(lengths.indices, lengths) where l == length {
                    symbols.append(symbol - lengths.startIndex)
                }
            }
        }

        /// Decodes one symbol: canonical codes of each length are consecutive integers
        /// starting at `first`, so the code read so far is compared against that range.
        func decode(_ reader: inout BitReader, fail: (String) -> LinearAlgebraError) throws -> Int {
            var code = 0, first = 0, index = 0
            for length in 1...15 {
                guard let bit = reader.bits(1) else { throw fail("truncated compressed data") }
                code |= bit
                let count = counts[length]
                if code - first < count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw fail("invalid Huffman code in the compressed data")
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                             131, 163, 195, 227, 258]
    static let lengthExtra: [UInt32] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5,
                                        5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
                               1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [UInt32] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11,
                                          11, 12, 12, 13, 13]
    /// The order in which code-length code lengths are stored (RFC 1951, Sec. 3.2.7).
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Decodes one DEFLATE stream, block by block, appending to `output`.
    static func inflate(_ reader: inout BitReader, into output: inout [UInt8],
                        fail: (String) -> LinearAlgebraError) throws {
        var isLast = false
        while !isLast {
            guard let final = reader.bits(1), let type = reader.bits(2) else { throw fail("truncated block header") }
            isLast = final == 1
            switch type {
            case 0: try copyStoredBlock(&reader, into: &output, fail: fail)
            case 1:
                let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
                    + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                let literals = try HuffmanCode(lengths: lengths[...], fail: fail)
                let distances = try HuffmanCode(lengths: [Int](repeating: 5, count: 30)[...], fail: fail)
                try decodeBlock(&reader, literals, distances, into: &output, fail: fail)
            case 2:
                let (literals, distances) = try readDynamicCodes(&reader, fail: fail)
                try decodeBlock(&reader, literals, distances, into: &output, fail: fail)
            default: throw fail("invalid block type 3")
            }
        }
    }

    static func copyStoredBlock(_ reader: inout BitReader, into output: inout [UInt8],
                                fail: (String) -> LinearAlgebraError) throws {
        reader.position = reader.alignedPosition
        reader.alignToByte()
        let p = reader.position
        guard p + 4 <= reader.bytes.count else { throw fail("truncated stored block") }
        let length = Int(reader.bytes[p]) | Int(reader.bytes[p + 1]) << 8
        let complement = Int(reader.bytes[p + 2]) | Int(reader.bytes[p + 3]) << 8
        guard length == complement ^ 0xFFFF else { throw fail("stored block length check failed") }
        guard p + 4 + length <= reader.bytes.count else { throw fail("truncated stored block") }
        output.append(contentsOf: reader.bytes[(p + 4)..<(p + 4 + length)])
        reader.position = p + 4 + length
    }

    static func readDynamicCodes(_ reader: inout BitReader, fail: (String) -> LinearAlgebraError) throws
        -> (HuffmanCode, HuffmanCode)
    {
        guard let hlit = reader.bits(5), let hdist = reader.bits(5), let hclen = reader.bits(4) else {
            throw fail("truncated dynamic block header")
        }
        let (literalCount, distanceCount) = (hlit + 257, hdist + 1)
        guard literalCount <= 286, distanceCount <= 30 else { throw fail("too many length or distance codes") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for k in 0..<(hclen + 4) {
            guard let length = reader.bits(3) else { throw fail("truncated dynamic block header") }
            codeLengthLengths[codeLengthOrder[k]] = length
        }
        let codeLengthCode = try HuffmanCode(lengths: codeLengthLengths[...], fail: fail)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader, fail: fail)
            let (value, repeatBits, repeatBase): (Int, UInt32, Int)
            switch symbol {
            case 0...15:
                lengths.append(symbol)
                continue
            case 16:
                guard let previous = lengths.last else { throw fail("repeat code with no previous length") }
                (value, repeatBits, repeatBase) = (previous, 2, 3)
            case 17: (value, repeatBits, repeatBase) = (0, 3, 3)
            default: (value, repeatBits, repeatBase) = (0, 7, 11)
            }
            guard let extra = reader.bits(repeatBits) else { throw fail("truncated code lengths") }
            lengths += repeatElement(value, count: repeatBase + extra)
        }
        guard lengths.count == literalCount + distanceCount else { throw fail("code lengths overrun their count") }
        guard lengths[256] > 0 else { throw fail("dynamic block has no end-of-block code") }
        return (try HuffmanCode(lengths: lengths[0..<literalCount], fail: fail),
                try HuffmanCode(lengths: lengths[literalCount...], fail: fail))
    }

    static func decodeBlock(_ reader: inout BitReader, _ literals: HuffmanCode, _ distances: HuffmanCode,
                            into output: inout [UInt8], fail: (String) -> LinearAlgebraError) throws {
        while true {
            let symbol = try literals.decode(&reader, fail: fail)
            if symbol < 256 {
                output.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < lengthBase.count else { throw fail("invalid length symbol \(symbol)") }
            guard let lengthExtraBits = reader.bits(lengthExtra[lengthIndex]) else { throw fail("truncated data") }
            let length = lengthBase[lengthIndex] + lengthExtraBits
            let distanceIndex = try distances.decode(&reader, fail: fail)
            guard distanceIndex < distanceBase.count else { throw fail("invalid distance symbol \(distanceIndex)") }
            guard let distanceExtraBits = reader.bits(distanceExtra[distanceIndex]) else { throw fail("truncated data") }
            let distance = distanceBase[distanceIndex] + distanceExtraBits
            guard distance <= output.count else { throw fail("back-reference before the start of the data") }
            let start = output.count - distance
            for k in 0..<length { output.append(output[start + k]) }
        }
    }
}
