import Distributed
import Foundation

/// Sends a `Codable` state (a curvature block after its refresh) from one process to all the
/// others, whatever its type: the root encodes it with the checkpoint's tree encoder (a small JSON
/// manifest plus its large arrays as tensors, bits intact), and sends the manifest and only the
/// tensors that differ from those of `previous` — the state every process held before, the same
/// everywhere — so a refresh costs the arrays it changed (K-FAC's eigenvectors, a low-rank
/// block's `n × r` bases), not the factors every process already has. The others decode the
/// manifest with their own copies of the unchanged tensors: the result equals the root's state
/// bit for bit, and its decoding validates it as a checkpoint's would.
///
/// Working on the `Codable` form keeps this independent of each block's fields (and of how a
/// block is composed): any state that round-trips through a checkpoint can be exchanged.
enum BlockStateExchange {
    /// `value` as held by `root`, on every process.
    /// - Complexity: two encodings of the state, one comparison of its tensors, broadcasts of the
    ///   manifest and of the changed tensors; one decoding on every process but the root.
    /// - Throws: ``/Distributed/CommunicationError`` when a collective fails or the root is not a rank;
    ///   a `DecodingError` if the received state does not decode (a transmission fault).
    static func broadcast<Value: Codable>(_ value: Value, previous: Value, from root: Int,
                                          communicator: any Communicator) throws -> Value {
        let isRoot = communicator.rank == root
        let previousEncoder = CheckpointTreeEncoder()
        _ = try previousEncoder.encode(previous)
        let old = previousEncoder.tensors
        var manifest: [UInt8] = []
        var tensors: [CheckpointTensor] = []
        // Per tensor: 0 = unchanged (the previous state's tensor at that index), 1 = Float, 2 = Double; then its count.
        var codes: [Int64] = []
        if isRoot {
            let encoder = CheckpointTreeEncoder()
            manifest = Array(try encoder.encode(value).json().utf8)
            tensors = encoder.tensors
            codes = tensors.indices.flatMap { index -> [Int64] in
                let tensor = tensors[index]
                if index < old.count, Self.identical(tensor, old[index]) { return [0, Int64(tensor.count)] }
                switch tensor {
                case .float: return [1, Int64(tensor.count)]
                case .double: return [2, Int64(tensor.count)]
                }
            }
        }
        manifest = try communicator.broadcastArray(manifest, from: root)
        codes = try communicator.broadcastArray(codes, from: root)
        var received: [CheckpointTensor] = []
        for index in 0..<codes.count / 2 {
            let (code, count) = (codes[2 * index], Int(codes[2 * index + 1]))
            switch code {
            case 0:
                guard index < old.count, old[index].count == count else {
                    throw CommunicationError.invalidArgument(
                        operation: "BlockStateExchange", detail: "tensor \(index) of \(count) elements is not held here")
                }
                received.append(old[index])
            case 1:
                var values = isRoot ? Self.floats(tensors[index]) : [Float](repeating: 0, count: count)
                try communicator.broadcast(&values, from: root)
                received.append(.float(values))
            default:
                var values = isRoot ? Self.doubles(tensors[index]) : [Double](repeating: 0, count: count)
                try communicator.broadcast(&values, from: root)
                received.append(.double(values))
            }
        }
        if isRoot { return value }
        let tree = try CheckpointTree.parse(String(decoding: manifest, as: UTF8.self))
        return try CheckpointTreeDecoder(tensor: { index in
            guard received.indices.contains(index) else {
                throw CommunicationError.invalidArgument(operation: "BlockStateExchange", detail: "no tensor \(index)")
            }
            return received[index]
        }).decode(Value.self, from: tree)
    }

    /// Bitwise equality (so a NaN equals itself and −0 differs from +0).
    private static func identical(_ a: CheckpointTensor, _ b: CheckpointTensor) -> Bool {
        func sameBytes<Element>(_ x: [Element], _ y: [Element]) -> Bool {
            x.count == y.count && x.withUnsafeBytes { p in
                y.withUnsafeBytes { q in
                    guard let first = p.baseAddress, let second = q.baseAddress else { return true }
                    return memcmp(first, second, p.count) == 0
                }
            }
        }
        switch (a, b) {
        case let (.float(x), .float(y)): return sameBytes(x, y)
        case let (.double(x), .double(y)): return sameBytes(x, y)
        default: return false
        }
    }

    private static func floats(_ tensor: CheckpointTensor) -> [Float] {
        if case let .float(values) = tensor { return values }
        return []
    }

    private static func doubles(_ tensor: CheckpointTensor) -> [Double] {
        if case let .double(values) = tensor { return values }
        return []
    }
}
