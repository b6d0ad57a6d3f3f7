// A `Decoder` reading a Codable value back from a ``CheckpointTree`` and its tensors:
// the inverse of ``CheckpointTreeEncoder``, bit for bit.

/// Decodes values from a manifest tree; `tensor(_:)` supplies the arrays moved out of it.
struct CheckpointTreeDecoder {
    /// The tensor at an index of the checkpoint's tensor list.
    let tensor: (Int) throws -> CheckpointTensor

    func decode<T: Decodable>(_: T.Type, from tree: CheckpointTree, codingPath: [any CodingKey] = []) throws -> T {
        func mismatch(_ expected: String) -> DecodingError {
            .typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(tree.summary)"))
        }
        func integer<I: FixedWidthInteger>(_: I.Type) throws -> I {
            guard case let .number(text) = tree, let value = I(text) else { throw mismatch("an integer of type \(I.self)") }
            return value
        }
        switch T.self {
        case is Bool.Type:
            guard case let .bool(value) = tree else { throw mismatch("a Boolean") }
            return value as! T
        case is String.Type:
            guard case let .string(value) = tree else { throw mismatch("a string") }
            return value as! T
        case is Double.Type:
            guard let value = tree.floatValue else { throw mismatch("a number") }
            return value as! T
        case is Float.Type:
            // Written widened to Double, so the narrowing is exact.
            guard let value = tree.floatValue else { throw mismatch("a number") }
            return Float(value) as! T
        case is Int.Type: return try integer(Int.self) as! T
        case is Int8.Type: return try integer(Int8.self) as! T
        case is Int16.Type: return try integer(Int16.self) as! T
        case is Int32.Type: return try integer(Int32.self) as! T
        case is Int64.Type: return try integer(Int64.self) as! T
        case is UInt.Type: return try integer(UInt.self) as! T
        case is UInt8.Type: return try integer(UInt8.self) as! T
        case is UInt16.Type: return try integer(UInt16.self) as! T
        case is UInt32.Type: return try integer(UInt32.self) as! T
        case is UInt64.Type: return try integer(UInt64.self) as! T
        default: break
        }
        if case let .tensor(index) = tree {
            switch (try tensor(index), T.self) {
            case let (.float(values), is [Float].Type): return values as! T
            case let (.double(values), is [Double].Type): return values as! T
            // An empty array of anything is written as an empty tensor: its element type is unknown.
            case let (stored, _) where stored.count == 0:
                return try T(from: TreeDecoder(context: self, tree: .array([]), codingPath: codingPath))
            case let (stored, _): throw mismatch("\(T.self), but tensor \(index) holds \(stored.count) \(stored.elementName) values")
            }
        }
        return try T(from: TreeDecoder(context: self, tree: tree, codingPath: codingPath))
    }
}

extension CheckpointTensor {
    /// `Float` or `Double`, for messages.
    var elementName: String {
        switch self {
        case .float: return "Float"
        case .double: return "Double"
        }
    }
}

struct TreeDecoder: Decoder {
    let context: CheckpointTreeDecoder
    let tree: CheckpointTree
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(fields) = tree else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath,
                                                                       debugDescription: "expected an object, found \(tree.summary)"))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(context: context, fields: fields, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(values) = tree else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath,
                                                               debugDescription: "expected an array, found \(tree.summary)"))
        }
        return UnkeyedContainer(context: context, values: values, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(context: context, tree: tree, codingPath: codingPath)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let context: CheckpointTreeDecoder
        let values: [String: CheckpointTree]
        let keys: [String]
        var codingPath: [any CodingKey]

        init(context: CheckpointTreeDecoder, fields: [(String, CheckpointTree)], codingPath: [any CodingKey]) {
            self.context = context
            values = Dictionary(fields, uniquingKeysWith: { _, last in last })
            keys = fields.map(\.0)
            self.codingPath = codingPath
        }

        var allKeys: [Key] { keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }

        func tree(_ key: Key) throws -> CheckpointTree {
            guard let tree = values[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
            }
            return tree
        }

        func decodeNil(forKey key: Key) throws -> Bool { try tree(key) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try context.decode(type, from: try tree(key), codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> {
            try TreeDecoder(context: context, tree: try tree(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try TreeDecoder(context: context, tree: try tree(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            TreeDecoder(context: context, tree: values["super"] ?? .null, codingPath: codingPath)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            TreeDecoder(context: context, tree: try tree(key), codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let context: CheckpointTreeDecoder
        let values: [CheckpointTree]
        var codingPath: [any CodingKey]
        var currentIndex = 0

        init(context: CheckpointTreeDecoder, values: [CheckpointTree], codingPath: [any CodingKey]) {
            (self.context, self.values, self.codingPath) = (context, values, codingPath)
        }

        var count: Int? { values.count }
        var isAtEnd: Bool { currentIndex >= values.count }

        mutating func next() throws -> (CheckpointTree, [any CodingKey]) {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath,
                                                                  debugDescription: "the array has only \(values.count) elements"))
            }
            defer { currentIndex += 1 }
            return (values[currentIndex], codingPath + [TreeKey(intValue: currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, values[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (tree, path) = try next()
            return try context.decode(type, from: tree, codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
            -> KeyedDecodingContainer<NestedKey> {
            let (tree, path) = try next()
            return try TreeDecoder(context: context, tree: tree, codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (tree, path) = try next()
            return try TreeDecoder(context: context, tree: tree, codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (tree, path) = try next()
            return TreeDecoder(context: context, tree: tree, codingPath: path)
        }
    }

    struct SingleContainer: SingleValueDecodingContainer {
        let context: CheckpointTreeDecoder
        let tree: CheckpointTree
        var codingPath: [any CodingKey]

        func decodeNil() -> Bool { tree == .null }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try context.decode(type, from: tree, codingPath: codingPath)
        }
    }
}
