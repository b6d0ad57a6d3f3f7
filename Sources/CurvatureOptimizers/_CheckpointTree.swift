// The manifest of a binary checkpoint: a JSON tree in which every large array of
// Float or Double is replaced by a reference to a tensor stored beside it.
// Numbers keep their exact bits: integers as written, floating-point values by
// Swift's shortest round-trip text (a Float widened to Double, exactly), non-finite
// ones as {"$float": "nan" | "inf" | "-inf"}.

import Foundation

/// A value of the manifest tree.
indirect enum CheckpointTree: Equatable {
    case null
    case bool(Bool)
    /// An integer or floating-point number, as its JSON text (parsed on demand into the requested type).
    case number(String)
    case string(String)
    case array([CheckpointTree])
    /// Keys in insertion order.
    case object([(String, CheckpointTree)])
    /// The index of a tensor in the checkpoint's tensor list.
    case tensor(Int)

    static func == (a: CheckpointTree, b: CheckpointTree) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)), let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.tensor(x), .tensor(y)): return x == y
        default: return false
        }
    }

    /// The key under which a tensor reference is written.
    static let tensorKey = "$tensor"
    /// The key under which a non-finite float is written.
    static let floatKey = "$float"

    /// A floating-point value: its shortest round-trip text, or the non-finite marker object.
    static func float(_ value: Double) -> CheckpointTree {
        if value.isFinite { return .number("\(value)") }
        return .object([(floatKey, .string(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf"))])
    }

    /// The floating-point value of a number or non-finite marker, or nil.
    var floatValue: Double? {
        switch self {
        case let .number(text): return Double(text)
        case let .object(fields) where fields.count == 1 && fields[0].0 == Self.floatKey:
            guard case let .string(name) = fields[0].1 else { return nil }
            switch name {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return nil
            }
        default: return nil
        }
    }

    /// A few words on the node, for error messages (never the whole subtree).
    var summary: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return "the Boolean \(value)"
        case let .number(text): return "the number \(text)"
        case let .string(text): return "the string '\(text.prefix(40))'"
        case let .array(values): return "an array of \(values.count) elements"
        case let .object(fields): return "an object with keys \(fields.prefix(5).map(\.0).joined(separator: ", "))"
        case let .tensor(index): return "tensor \(index)"
        }
    }

    // MARK: JSON text

    /// The tree as compact JSON text.
    func json() -> String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case let .bool(value): text += value ? "true" : "false"
        case let .number(value): text += value
        case let .string(value): Self.writeString(value, to: &text)
        case let .array(values):
            text += "["
            for (k, value) in values.enumerated() {
                if k > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case let .object(fields):
            text += "{"
            for (k, (key, value)) in fields.enumerated() {
                if k > 0 { text += "," }
                Self.writeString(key, to: &text)
                text += ":"
                value.write(to: &text)
            }
            text += "}"
        case let .tensor(index): text += "{\"\(Self.tensorKey)\":\(index)}"
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += String(format: "\\u%04x", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    /// Parses JSON text written by ``json()`` (or any JSON: numbers keep their text).
    /// - Throws: ``CheckpointTree/ParseError`` at the first malformed position.
    static func parse(_ text: String) throws -> CheckpointTree {
        var parser = Parser(bytes: Array(text.utf8))
        let tree = try parser.value()
        parser.skipSpace()
        guard parser.position == parser.bytes.count else { throw ParseError(position: parser.position) }
        return tree
    }

    /// Malformed manifest text at a byte offset.
    struct ParseError: Error, CustomStringConvertible {
        var position: Int
        var description: String { "malformed JSON at byte \(position)" }
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else { throw ParseError(position: position) }
            position += 1
        }

        mutating func value() throws -> CheckpointTree {
            skipSpace()
            guard position < bytes.count else { throw ParseError(position: position) }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var fields: [(String, CheckpointTree)] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object([])
                }
                repeat {
                    skipSpace()
                    let key = try string()
                    try expect(UInt8(ascii: ":"))
                    fields.append((key, try value()))
                    skipSpace()
                    guard position < bytes.count else { throw ParseError(position: position) }
                    position += 1
                    if bytes[position - 1] == UInt8(ascii: "}") { break }
                    guard bytes[position - 1] == UInt8(ascii: ",") else { throw ParseError(position: position - 1) }
                } while true
                if fields.count == 1, fields[0].0 == CheckpointTree.tensorKey, case let .number(text) = fields[0].1,
                   let index = Int(text), index >= 0 {
                    return .tensor(index)
                }
                return .object(fields)
            case UInt8(ascii: "["):
                position += 1
                var values: [CheckpointTree] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array([])
                }
                repeat {
                    values.append(try value())
                    skipSpace()
                    guard position < bytes.count else { throw ParseError(position: position) }
                    position += 1
                    if bytes[position - 1] == UInt8(ascii: "]") { break }
                    guard bytes[position - 1] == UInt8(ascii: ",") else { throw ParseError(position: position - 1) }
                } while true
                return .array(values)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                let start = position
                let allowed = Set("0123456789+-.eE".utf8)
                while position < bytes.count, allowed.contains(bytes[position]) { position += 1 }
                guard position > start else { throw ParseError(position: start) }
                return .number(String(decoding: bytes[start..<position], as: UTF8.self))
            }
        }

        mutating func literal(_ word: String, _ result: CheckpointTree) throws -> CheckpointTree {
            let utf8 = Array(word.utf8)
            guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
                throw ParseError(position: position)
            }
            position += utf8.count
            return result
        }

        mutating func string() throws -> String {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw ParseError(position: position) }
            position += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            while true {
                guard position < bytes.count else { throw ParseError(position: position) }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") { break }
                if byte != UInt8(ascii: "\\") {
                    run.append(byte)
                    continue
                }
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
                guard position < bytes.count else { throw ParseError(position: position) }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw ParseError(position: position) }
                    position += 4
                    scalars.append(scalar)
                default: scalars.append(Unicode.Scalar(escape))
                }
            }
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            return String(scalars)
        }
    }
}
