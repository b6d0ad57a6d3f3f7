import DenseLinearAlgebra
import Foundation
import NeuralNetworks

/// A checkpoint file opened: its entries and parsed manifest, the identifying fields read
/// before anything is decoded.
struct CheckpointArchive {
    let path: String
    let manifest: CheckpointTree
    /// The `tensors/<k>.npy` entries' bytes by index.
    let tensors: [Int: [UInt8]]

    /// The manifest's `format`, `method` and `precision`, if present.
    var format: String? { string("format") }
    var method: String? { string("method") }
    var precision: String? { string("precision") }
    /// The manifest's `tensorWords`: the 16-bit format of its `<u2` tensors, if any.
    var tensorWords: StoragePrecision? {
        string("tensorWords").flatMap(StoragePrecision.init(rawValue:))?.sixteenBitOrNil
    }

    /// The manifest's `userInfo` strings.
    var userInfo: [String: String] {
        guard case let .object(fields) = field("userInfo") else { return [:] }
        var info: [String: String] = [:]
        for (key, value) in fields { if case let .string(text) = value { info[key] = text } }
        return info
    }

    /// Opens the checkpoint at `path`.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing file, a JSON
    ///   checkpoint of an earlier version, or a file that is no checkpoint archive.
    init(path: String) throws {
        self.path = path
        func fail(_ reason: String) -> OptimizerError { .malformedCheckpoint(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw fail(exists && isDirectory.boolValue ? "is a directory, not a checkpoint file"
                : "cannot be read (missing or not readable)")
        }
        let bytes = [UInt8](data)
        if bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{") {
            guard String(decoding: bytes.prefix(4096), as: UTF8.self).contains("kronkit-checkpoint-1") else {
                throw fail("is a JSON file, not a kronkit checkpoint")
            }
            throw fail("is a JSON checkpoint of an earlier kronkit (kronkit-checkpoint-1), which this version no "
                + "longer reads; train again to write a binary \(TrainingCheckpoint<StochasticGradientDescent<Float>>.formatName) checkpoint")
        }
        let entries: [NumPyArchive.Entry]
        do {
            entries = try NumPyArchive.decode(bytes, path: path)
        } catch let LinearAlgebraError.malformedFile(_, reason) {
            throw fail("is not a kronkit checkpoint: it \(reason)")
        }
        guard let manifestEntry = entries.first(where: { $0.name == "manifest.json" }) else {
            throw fail("is not a kronkit checkpoint: it has no manifest.json")
        }
        do {
            manifest = try CheckpointTree.parse(String(decoding: manifestEntry.contents, as: UTF8.self))
        } catch {
            throw fail("has a malformed manifest.json (\(error))")
        }
        var tensors: [Int: [UInt8]] = [:]
        for entry in entries where entry.name.hasPrefix("tensors/") && entry.name.hasSuffix(".npy") {
            guard let index = Int(entry.name.dropFirst("tensors/".count).dropLast(".npy".count)) else { continue }
            tensors[index] = entry.contents
        }
        self.tensors = tensors
    }

    /// Decodes the whole manifest as `T`, reading tensors as they are referenced.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing or malformed
    ///   tensor; `DecodingError` for a manifest that does not match `T`.
    func decode<T: Decodable>(_: T.Type) throws -> T {
        let decoder = CheckpointTreeDecoder { index in
            guard let bytes = tensors[index] else {
                throw OptimizerError.malformedCheckpoint(path: path, reason: "has no tensors/\(index).npy")
            }
            let entry = "\(path) (tensors/\(index).npy)"
            do {
                let header = bytes.count > 12 ? String(decoding: bytes[10..<min(bytes.count, 40)], as: UTF8.self) : ""
                if header.contains("<u2") {
                    guard let words = tensorWords else {
                        throw OptimizerError.malformedCheckpoint(
                            path: path, reason: "tensors/\(index).npy holds 16-bit words but the manifest names no "
                                + "tensorWords format (bfloat16 or float16)")
                    }
                    let values = try NumPyFormat.decodeIntegers(bytes, path: entry).values
                    return .float(try words.decode(values.map { UInt16(truncatingIfNeeded: $0) }))
                }
                if header.contains("<f4") {
                    return .float(try NumPyFormat.decode(bytes, as: Float.self, path: entry).elements)
                }
                return .double(try NumPyFormat.decode(bytes, as: Double.self, path: entry).elements)
            } catch let LinearAlgebraError.malformedFile(_, reason) {
                throw OptimizerError.malformedCheckpoint(path: path, reason: "tensors/\(index).npy \(reason)")
            }
        }
        return try decoder.decode(T.self, from: manifest)
    }

    private func field(_ key: String) -> CheckpointTree? {
        guard case let .object(fields) = manifest else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    private func string(_ key: String) -> String? {
        guard case let .string(text) = field(key) else { return nil }
        return text
    }
}
