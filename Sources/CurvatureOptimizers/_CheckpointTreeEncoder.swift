// An `Encoder` that turns a Codable value into a ``CheckpointTree`` and a list of
// tensors: every `[Float]` or `[Double]` of at least `tensorThreshold` elements (the
// storage of each Matrix, the optimizer's vectors) is moved out of the tree, bits intact.

/// A large array moved out of the manifest.
enum CheckpointTensor {
    case float([Float])
    case double([Double])

    var count: Int {
        switch self {
        case let .float(values): return values.count
        case let .double(values): return values.count
        }
    }
}

/// Encodes values into a manifest tree plus tensors.
final class CheckpointTreeEncoder {
    /// Arrays shorter than this stay in the manifest (small vectors are not worth an entry).
    static let tensorThreshold = 64
    /// This encoder's threshold: ``tensorThreshold`` for files; 0 moves every array out (what
    /// the low-precision state rounding needs, so that no Float array stays in the tree).
    let threshold: Int
    private(set) var tensors: [CheckpointTensor] = []
    /// The coding path of each tensor, dot-separated (for messages about a tensor).
    private(set) var tensorPaths: [String] = []

    init(tensorThreshold: Int = CheckpointTreeEncoder.tensorThreshold) {
        threshold = tensorThreshold
    }

    /// The tree of `value`; its large arrays are appended to ``tensors``.
    func encode(_ value: some Encodable) throws -> CheckpointTree {
        let root = TreeReference()
        try encode(value, into: root, codingPath: [])
        return root.finalized()
    }

    func encode<T: Encodable>(_ value: T, into reference: TreeReference, codingPath: [any CodingKey]) throws {
        if let tree = Self.primitive(value) {
            reference.set(tree)
        } else if let floats = value as? [Float], floats.count >= threshold {
            reference.set(.tensor(tensors.count))
            tensors.append(.float(floats))
            tensorPaths.append(codingPath.map(\.stringValue).joined(separator: "."))
        } else if let doubles = value as? [Double], doubles.count >= threshold {
            reference.set(.tensor(tensors.count))
            tensors.append(.double(doubles))
            tensorPaths.append(codingPath.map(\.stringValue).joined(separator: "."))
        } else {
            try value.encode(to: TreeEncoder(context: self, reference: reference, codingPath: codingPath))
        }
    }

    /// The tree of a value the manifest holds directly (numbers, strings, Booleans), or nil.
    static func primitive(_ value: Any) -> CheckpointTree? {
        switch value {
        case let value as Bool: return .bool(value)
        case let value as String: return .string(value)
        case let value as Double: return .float(value)
        case let value as Float: return .float(Double(value))
        case let value as Int: return .number("\(value)")
        case let value as Int8: return .number("\(value)")
        case let value as Int16: return .number("\(value)")
        case let value as Int32: return .number("\(value)")
        case let value as Int64: return .number("\(value)")
        case let value as UInt: return .number("\(value)")
        case let value as UInt8: return .number("\(value)")
        case let value as UInt16: return .number("\(value)")
        case let value as UInt32: return .number("\(value)")
        case let value as UInt64: return .number("\(value)")
        default: return nil
        }
    }
}

/// A node of the tree under construction, filled by the containers (fields and elements
/// are appended in place, so building an object or array is linear in its size).
final class TreeReference {
    enum Kind { case empty, value, object, array }

    private(set) var kind = Kind.empty
    private var value = CheckpointTree.null
    private var fields: [(String, TreeReference)] = []
    private var elements: [TreeReference] = []

    /// Makes this node a leaf holding `tree`.
    func set(_ tree: CheckpointTree) {
        kind = .value
        value = tree
    }

    /// Makes this node an object (keeping its fields if it is one already).
    func makeObject() {
        if kind != .object { (kind, fields) = (.object, []) }
    }

    /// Makes this node an array (keeping its elements if it is one already).
    func makeArray() {
        if kind != .array { (kind, elements) = (.array, []) }
    }

    /// The number of elements of an array node.
    var count: Int { elements.count }

    /// The finished tree (an encoder that wrote nothing gives an empty object).
    func finalized() -> CheckpointTree {
        switch kind {
        case .empty: return .object([])
        case .value: return value
        case .object: return .object(fields.map { ($0.0, $0.1.finalized()) })
        case .array: return .array(elements.map { $0.finalized() })
        }
    }

    /// The child under `key`, created (or replaced) in this object node.
    func child(forKey key: String) -> TreeReference {
        makeObject()
        let child = TreeReference()
        if let index = fields.lastIndex(where: { $0.0 == key }) {
            fields[index].1 = child
        } else {
            fields.append((key, child))
        }
        return child
    }

    /// A new last element of this array node.
    func appendChild() -> TreeReference {
        makeArray()
        let child = TreeReference()
        elements.append(child)
        return child
    }
}

/// A string coding key for nested paths.
struct TreeKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

struct TreeEncoder: Encoder {
    let context: CheckpointTreeEncoder
    let reference: TreeReference
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedEncodingContainer<Key> {
        reference.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(context: context, reference: reference, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        reference.makeArray()
        return UnkeyedContainer(context: context, reference: reference, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(context: context, reference: reference, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let context: CheckpointTreeEncoder
        let reference: TreeReference
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { reference.child(forKey: key.stringValue).set(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try context.encode(value, into: reference.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey> {
            let child = reference.child(forKey: key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(context: context, reference: child,
                                                                    codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = reference.child(forKey: key.stringValue)
            child.makeArray()
            return UnkeyedContainer(context: context, reference: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            TreeEncoder(context: context, reference: reference.child(forKey: "super"), codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            TreeEncoder(context: context, reference: reference.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let context: CheckpointTreeEncoder
        let reference: TreeReference
        var codingPath: [any CodingKey]
        var count: Int { reference.count }

        mutating func encodeNil() throws { reference.appendChild().set(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            let key = TreeKey(intValue: count)
            try context.encode(value, into: reference.appendChild(), codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy _: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let key = TreeKey(intValue: count)
            let child = reference.appendChild()
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(context: context, reference: child,
                                                                    codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let key = TreeKey(intValue: count)
            let child = reference.appendChild()
            child.makeArray()
            return UnkeyedContainer(context: context, reference: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let key = TreeKey(intValue: count)
            return TreeEncoder(context: context, reference: reference.appendChild(), codingPath: codingPath + [key])
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let context: CheckpointTreeEncoder
        let reference: TreeReference
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { reference.set(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try context.encode(value, into: reference, codingPath: codingPath)
        }
    }
}
