/// xoshiro256**, a fast all-purpose 64-bit generator with 256 bits of state and
/// period 2²⁵⁶ − 1, passing BigCrush and PractRand.
///
/// Every randomized routine in KronKit takes one of these (or any
/// `RandomNumberGenerator`) as `inout`, so results are reproducible bit for bit
/// from a seed. The state is `Codable`, so an optimizer checkpoint resumes the
/// same random stream. Use ``jump()`` to split off non-overlapping streams.
///
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47(4), 2021.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The four state words; never all zero.
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64)

    /// The four state words, for inspection; restore a state by decoding.
    public var state: (UInt64, UInt64, UInt64, UInt64) { words }

    /// A generator whose state is four outputs of ``SplitMix64`` seeded with `seed`.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        words = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// The next 64 random bits. - Complexity: O(1), a few cycles.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(words.1 &* 5, by: 7) &* 9
        let t = words.1 << 17
        words.2 ^= words.0
        words.3 ^= words.1
        words.1 ^= words.2
        words.0 ^= words.3
        words.2 ^= t
        words.3 = Self.rotateLeft(words.3, by: 45)
        return result
    }

    /// Advances the state by 2¹²⁸ steps: calling it `k` times on copies of one
    /// generator gives `k` streams that do not overlap for 2¹²⁸ outputs each.
    public mutating func jump() {
        let polynomial: [UInt64] = [0x180E_C6D3_3CFD_0ABA, 0xD5A6_1266_F0C9_392C,
                                    0xA958_2618_E03F_C9AA, 0x39AB_DC45_29B1_661C]
        var accumulated: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for word in polynomial {
            for bit in 0..<64 {
                if word & (1 << UInt64(bit)) != 0 {
                    accumulated.0 ^= words.0
                    accumulated.1 ^= words.1
                    accumulated.2 ^= words.2
                    accumulated.3 ^= words.3
                }
                _ = next()
            }
        }
        words = accumulated
    }

    @inlinable
    static func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
    }

    enum CodingKeys: String, CodingKey { case state }

    /// Decodes the four state words.
    /// - Throws: `DecodingError.dataCorrupted` for an all-zero state, which would emit zeros forever.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: container, debugDescription: "xoshiro256** needs 4 state words, not all zero")
        }
        self.words = (words[0], words[1], words[2], words[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([words.0, words.1, words.2, words.3], forKey: .state)
    }
}
