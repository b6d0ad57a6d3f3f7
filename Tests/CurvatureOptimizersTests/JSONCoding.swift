import Foundation

/// JSON coders for block state in tests, with NaN and ±∞ as strings as checkpoints write them
/// (diagnostics hold NaN before the first refresh).
enum JSONCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // comparable byte for byte
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return decoder
    }

    /// `value` encoded as a JSON object, for editing.
    static func object<T: Encodable>(_ value: T) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }

    /// Decodes a `T` from an edited JSON object.
    static func decode<T: Decodable>(_: T.Type, from object: [String: Any]) throws -> T {
        try decoder.decode(T.self, from: JSONSerialization.data(withJSONObject: object))
    }
}
