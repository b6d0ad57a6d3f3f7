import DenseLinearAlgebra
import Foundation
import NeuralNetworks

/// A model's parameters together with its optimizer's whole state, saved in a compact
/// binary form that NumPy reads.
///
/// The file is an uncompressed zip archive (what `np.savez` writes, so `np.load(path)`
/// opens it): `manifest.json`, a small JSON tree of the checkpoint (format, method,
/// precision, user info, every option, counter and RNG state, every shape), and one
/// `tensors/<k>.npy` per large array of the state (each `Matrix`'s elements, the
/// optimizer's vectors), referenced from the manifest as `{"$tensor": k}`. Tensors are
/// raw little-endian float32 or float64, so reading restores the state bit for bit and
/// a resumed run continues exactly as the uninterrupted one; small numbers in the
/// manifest keep their bits too (shortest round-trip decimals, a Float widened exactly
/// to Double, NaN and ±∞ as `{"$float": "nan"}`).
///
/// **Low precision.** The checkpoint of a bfloat16 or float16 run (a ``LowPrecisionOptimizer``)
/// stores each tensor whose values are all values of that format as its 16-bit words
/// (`<u2`, `uint16`: bfloat16 or IEEE binary16 bit patterns, named by ``tensorWords``), half
/// the bytes of float32 and the same bits; any other tensor stays float32. NumPy reads a
/// float16 tensor with `.view(np.float16)` and a bfloat16 one with
/// `(w.astype(np.uint32) << 16).view(np.float32)`.
///
/// The JSON checkpoints of earlier versions (`kronkit-checkpoint-1`) are refused with a
/// message saying so.
public struct TrainingCheckpoint<O: Optimizer>: Codable {
    /// Identifies the file format.
    /// `-3` (issue 14): K-FAC blocks store their inversion part, and kronkit's run identity holds
    /// every option's resolved value; `-2` checkpoints are refused by name.
    /// `-4` (issue 17, the low-precision encoding): tensors of a bfloat16/float16 run may be
    /// 16-bit words (``tensorWords``).
    /// `-5` (issue 14, composed blocks): EKFAC and TEKFAC blocks store their part
    /// (``EigenvalueCorrectedInverse``: the basis and `S`) under `inverse` as K-FAC's blocks do,
    /// and their configuration's `basis` is now `estimate`. Nothing else changed, so `-3` and `-4`
    /// checkpoints of every other method are read as before (``readableFormats``); an EKFAC or
    /// TEKFAC one is refused by name.
    public static var formatName: String { "kronkit-checkpoint-5" }
    /// The formats ``read(from:)`` accepts: this one, `-4` and `-3`; of the last two, not
    /// EKFAC's and TEKFAC's states, which are refused naming the format.
    public static var readableFormats: [String] { ["kronkit-checkpoint-3", "kronkit-checkpoint-4", formatName] }

    /// The methods whose state changed in `-5`, by their catalogue names (an optimizer's
    /// ``Optimizer/name`` is the name or the name with a suffix such as `-adaptive`).
    static var methodsChangedInFive: [String] { [OptimizerMethod.ekfac.rawValue, OptimizerMethod.tekfac.rawValue] }

    public var format: String
    /// The optimizer's ``Optimizer/name``, checked when reading.
    public var method: String
    /// `"Float"` or `"Double"`, checked when reading.
    public var precision: String
    /// The 16-bit format of the `<u2` tensors: the storage precision of a low-precision run
    /// (nil otherwise, and in `-3` files). Set to nil before ``write(to:)`` to write float32
    /// tensors only.
    public var tensorWords: StoragePrecision?
    /// Every parameterised layer's weight, in model order.
    public var parameters: [Matrix<O.Scalar>]
    public var optimizer: O
    /// Whatever else the caller needs to resume (epoch, data order, …).
    public var userInfo: [String: String]

    /// A checkpoint of `model` and `optimizer` as they are now.
    public init(model: Sequential<O.Scalar>, optimizer: O, userInfo: [String: String] = [:]) {
        format = Self.formatName
        method = optimizer.name
        precision = "\(O.Scalar.self)"
        parameters = model.parameters
        self.optimizer = optimizer
        self.userInfo = userInfo
        tensorWords = (optimizer as? any StoredInLowPrecision)?.precision.sixteenBitOrNil
    }

    /// Writes the checkpoint atomically (a temporary file renamed into place).
    /// - Complexity: one copy of the state's arrays and one write of about their size.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` when the file cannot be written.
    public func write(to path: String) throws {
        let encoder = CheckpointTreeEncoder()
        let tree: CheckpointTree
        do {
            tree = try encoder.encode(self)
        } catch {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "cannot be encoded: \(error)")
        }
        var entries = [NumPyArchive.Entry(name: Self.manifestName, contents: Array(tree.json().utf8))]
        for (index, tensor) in encoder.tensors.enumerated() {
            entries.append(NumPyArchive.Entry(name: Self.tensorName(index),
                                              contents: Self.numPyBytes(tensor, words: tensorWords)))
        }
        do {
            try NumPyArchive.write(entries, to: path)
        } catch let LinearAlgebraError.malformedFile(_, reason) {
            throw OptimizerError.malformedCheckpoint(path: path, reason: reason)
        }
    }

    /// Reads a checkpoint written by ``write(to:)``.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing or unreadable
    ///   file, a JSON checkpoint of an earlier version, another format, method or precision,
    ///   contents that do not decode, the state of another method than `O`'s, or a weight that is NaN or ∞.
    public static func read(from path: String) throws -> Self {
        let archive = try CheckpointArchive(path: path)
        try requireCurrentFormat(archive, path: path)
        guard archive.precision == "\(O.Scalar.self)" else {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "holds \(archive.precision ?? "unknown") state, expected \(O.Scalar.self)")
        }
        let checkpoint: Self
        do {
            checkpoint = try archive.decode(Self.self)
        } catch let error as OptimizerError {
            throw error
        } catch {
            // Most often the state of another method, read as this type.
            let detail = (error as? DecodingError)?.summary ?? "\(error)"
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "holds the state of a '\(archive.method ?? "unknown")' optimizer, which does not "
                    + "decode as \(O.self) (\(detail))")
        }
        // Two methods' states can share a layout (K-FAC's and EKFAC's before their first refresh).
        guard checkpoint.optimizer.name == checkpoint.method else {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "holds the state of a '\(checkpoint.method)' optimizer, read as '\(checkpoint.optimizer.name)'")
        }
        // No step writes a non-finite weight (the update is checked first), so one here is damage.
        if let k = checkpoint.parameters.firstIndex(where: { !$0.isFinite }) {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "weight matrix \(k) holds NaN or ∞")
        }
        return checkpoint
    }

    /// The user info of the checkpoint at `path`, read without decoding the optimizer state
    /// (to compare a run's identity before the state's type matters).
    /// - Throws: as ``read(from:)`` for a file that is no checkpoint of this format.
    public static func userInfo(at path: String) throws -> [String: String] {
        let archive = try CheckpointArchive(path: path)
        try requireCurrentFormat(archive, path: path)
        return archive.userInfo
    }

    static var manifestName: String { "manifest.json" }
    static func tensorName(_ index: Int) -> String { "tensors/\(index).npy" }

    /// A 1-D `.npy` image of `tensor`: the version 1.0 header, then the raw little-endian values;
    /// with `words`, a Float tensor whose every value's bits survive the 16-bit encoding is
    /// written as those `uint16` words.
    static func numPyBytes(_ tensor: CheckpointTensor, words: StoragePrecision? = nil) -> [UInt8] {
        func image<Element: FixedWidthInteger>(_ values: [Element], descriptor: String) -> [UInt8] {
            var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (\(values.count),), }"
            header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            var bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
            bytes += Array(header.utf8)
            precondition(1.littleEndian == 1, "checkpoints are written on little-endian machines")
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
            return bytes
        }
        switch tensor {
        case let .float(values):
            if let words, let encoded = exactWords(values, words) { return image(encoded, descriptor: "<u2") }
            return image(values.map(\.bitPattern), descriptor: "<f4")
        case let .double(values): return image(values.map(\.bitPattern), descriptor: "<f8")
        }
    }

    /// The 16-bit words of `values` in `precision` when decoding them gives back every value's
    /// bits (NaN payloads included), else nil.
    static func exactWords(_ values: [Float], _ precision: StoragePrecision) -> [UInt16]? {
        guard let words = try? precision.encode(values), let decoded = try? precision.decode(words),
              zip(values, decoded).allSatisfy({ $0.bitPattern == $1.bitPattern }) else { return nil }
        return words
    }

    /// Copies the saved parameters into `model`.
    /// - Throws: ``OptimizerError/modelMismatch(_:)`` when the model has other layer shapes.
    public func restore(into model: inout Sequential<O.Scalar>) throws {
        let expected = parameters.map { [$0.rows, $0.columns] }
        let actual = model.parameters.map { [$0.rows, $0.columns] }
        guard expected == actual else {
            throw OptimizerError.modelMismatch("checkpoint has layers \(expected), model has \(actual)")
        }
        try model.setParameters(parameters)
    }

    /// A JSON encoder for optimizer states (NaN and ±∞ as strings), for inspecting a state as text.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The JSON decoder matching ``encoder``.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Throws unless `archive` has a format this version reads, naming an earlier kronkit's.
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)``.
    static func requireCurrentFormat(_ archive: CheckpointArchive, path: String) throws {
        let format = archive.format ?? ""
        if readableFormats.contains(format) {
            let method = archive.method ?? ""
            guard format != formatName,
                  let changed = methodsChangedInFive.first(where: { method == $0 || method.hasPrefix($0 + "-") })
            else { return }
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "was written by an earlier kronkit (\(format)), whose \(changed) state this version "
                    + "no longer reads (its blocks are now composed from parts); train again to write a \(formatName) "
                    + "checkpoint")
        }
        if format == "kronkit-checkpoint-2" {
            throw OptimizerError.malformedCheckpoint(
                path: path, reason: "was written by an earlier kronkit (kronkit-checkpoint-2), whose K-FAC state and run "
                    + "identity this version no longer reads; train again to write a \(formatName) checkpoint")
        }
        throw OptimizerError.malformedCheckpoint(
            path: path, reason: "has format \(archive.format ?? "none"), expected \(formatName)")
    }
}

/// An optimizer whose state (and model) is stored in a low precision: its checkpoint holds
/// 16-bit words.
protocol StoredInLowPrecision {
    var precision: StoragePrecision { get }
}

extension LowPrecisionOptimizer: StoredInLowPrecision {}

extension StoragePrecision {
    /// This precision when it has a 16-bit encoding, else nil.
    var sixteenBitOrNil: StoragePrecision? { isSixteenBit ? self : nil }
}
