/// An element type a ``Communicator`` can send: the four kinds every MPI implementation has a
/// predefined datatype for. Sums (``Communicator/allReduceSum(_:)``) are defined for all four.
public protocol CommunicableScalar: Sendable {
    /// The element's kind, which an implementation maps to its own datatype.
    static var communicationKind: CommunicationKind { get }
}

/// The element kinds a ``Communicator`` sends.
public enum CommunicationKind: String, Sendable, Hashable, CaseIterable {
    /// 32-bit IEEE floating point (`Float`).
    case float32
    /// 64-bit IEEE floating point (`Double`).
    case float64
    /// Bytes (`UInt8`): encoded state, flags.
    case uint8
    /// 64-bit signed integers (`Int64`): lengths, counts, status flags.
    case int64

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float32: 4
        case .float64: 8
        case .uint8: 1
        case .int64: 8
        }
    }
}

extension Float: CommunicableScalar {
    /// The kind a communicator sends it as.
    public static var communicationKind: CommunicationKind { .float32 }
}

extension Double: CommunicableScalar {
    /// The kind a communicator sends it as.
    public static var communicationKind: CommunicationKind { .float64 }
}

extension UInt8: CommunicableScalar {
    /// The kind a communicator sends it as.
    public static var communicationKind: CommunicationKind { .uint8 }
}

extension Int64: CommunicableScalar {
    /// The kind a communicator sends it as.
    public static var communicationKind: CommunicationKind { .int64 }
}
