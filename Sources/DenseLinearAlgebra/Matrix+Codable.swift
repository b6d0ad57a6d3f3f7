extension Matrix {
    enum CodingKeys: String, CodingKey { case rows, columns, elements }

    /// Decodes a matrix and checks that the element count matches the shape.
    /// - Throws: `DecodingError.dataCorrupted` naming the mismatch; as
    ///   ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for a shape BLAS cannot index.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let elements = try container.decode([Scalar].self, forKey: .elements)
        guard Self.isValidShape(rows: rows, columns: columns, count: elements.count) else {
            throw DecodingError.dataCorruptedError(
                forKey: .elements, in: container,
                debugDescription: "a \(rows)×\(columns) matrix cannot hold the \(elements.count) elements found")
        }
        try SizePolicy.check("Matrix(from:)", "decoded matrix", rows: rows, columns: columns, of: Scalar.self)
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(storage, forKey: .elements)
    }
}
