// Decompression through the system zlib (`inflate`): gzip files (RFC 1952, every
// member of a multi-member file, CRC-32 and length checked by zlib) and the raw
// DEFLATE streams (RFC 1951) inside `.npz` archives.

import CZlib
import DenseLinearAlgebra

/// Decompression of gzip files and raw DEFLATE streams; every malformed input throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/malformedFile(path:reason:)``.
enum Gzip {
    /// `true` when `bytes` start with the gzip magic `1f 8b`.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The concatenated contents of every gzip member in `bytes` (zlib checks each
    /// member's CRC-32 and length).
    /// - Complexity: linear in the input and output sizes.
    static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        try inflate(bytes, windowBits: 15 + 16, multiMember: true, expectedSize: nil) { reason in
            .malformedFile(path: path, reason: "gzip: " + reason)
        }
    }

    /// The contents of a raw DEFLATE stream (no header or trailer), as a zip entry holds it.
    /// - Parameter expectedSize: the size the container declares; a stream of another size throws.
    static func inflateRaw(_ bytes: ArraySlice<UInt8>, expectedSize: Int, path: String, entry: String) throws -> [UInt8] {
        try inflate(Array(bytes), windowBits: -15, multiMember: false, expectedSize: expectedSize) { reason in
            .malformedFile(path: path, reason: "entry \(entry): DEFLATE: " + reason)
        }
    }

    /// Runs zlib's `inflate` over the whole input, growing the output as needed.
    private static func inflate(_ input: [UInt8], windowBits: Int32, multiMember: Bool, expectedSize: Int?,
                                fail: (String) -> LinearAlgebraError) throws -> [UInt8] {
        guard !input.isEmpty else { throw fail("the stream is empty") }
        var stream = z_stream()
        guard kronkit_inflate_init(&stream, windowBits) == Z_OK else { throw fail("zlib cannot be initialised") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(expectedSize ?? 4 * input.count, 1024))
        var produced = 0
        // zlib advances `next_in` and lowers `avail_in`: the bytes read so far are the bytes
        // handed over (`offered`) less those still available.
        var consumed = 0, offered = 0
        func offer(_ count: Int) {
            stream.avail_in = UInt32(clamping: count)
            offered = consumed + Int(stream.avail_in)
        }
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            offer(source.count)
            while true {
                if produced == output.count { output += [UInt8](repeating: 0, count: output.count) }
                let room = min(output.count - produced, Int(UInt32.max))
                let status = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.extracting(produced...).baseAddress
                    stream.avail_out = UInt32(room)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                consumed = offered - Int(stream.avail_in)
                switch status {
                case Z_OK:
                    if stream.avail_in == 0 && consumed < source.count { offer(source.count - consumed) }
                    continue
                case Z_STREAM_END:
                    let rest = source.count - consumed
                    if multiMember, rest >= 2, source[consumed] == 0x1F, source[consumed + 1] == 0x8B {
                        guard inflateReset(&stream) == Z_OK else { throw fail("zlib cannot restart for the next member") }
                        offer(rest)
                        continue
                    }
                    return
                case Z_BUF_ERROR:
                    // No progress possible: the input ended inside the stream.
                    if stream.avail_out > 0 { throw fail("the data is truncated (the stream ends early)") }
                    continue
                case Z_DATA_ERROR:
                    throw fail(describe(stream.msg))
                case Z_MEM_ERROR:
                    throw fail("out of memory while decompressing")
                default:
                    throw fail("zlib error \(status)")
                }
            }
        }
        if let expectedSize, produced != expectedSize {
            throw fail("decompressed to \(produced) bytes, the archive declares \(expectedSize)")
        }
        output.removeSubrange(produced...)
        return output
    }

    /// zlib's message in the words of a user: the check-value failure as a corrupt file.
    private static func describe(_ message: UnsafePointer<CChar>?) -> String {
        let text = message.map { String(cString: $0) } ?? "invalid data"
        switch text {
        case "incorrect data check": return "CRC-32 mismatch, the data is corrupt"
        case "incorrect length check": return "length trailer mismatch, the data is corrupt"
        case "unknown compression method": return "compression method is not DEFLATE"
        case "incorrect header check": return "not a gzip header"
        default: return "corrupt data (\(text))"
        }
    }
}
