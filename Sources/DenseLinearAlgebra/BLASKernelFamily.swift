/// OpenBLAS's x86-64 kernel sets grouped by the widest instruction set they use, in
/// increasing order of speed on a CPU that runs them all.
///
/// A `DYNAMIC_ARCH` OpenBLAS picks one core (kernel set) at load time from the CPU's vendor,
/// family and model; a CPU it does not recognise gets an older family than it could run
/// (Debian's OpenBLAS 0.3.21 falls back to `Prescott`, SSE3, on CPUs newer than itself). The
/// family of the selected core against ``init(capabilities:)`` tells whether a faster one
/// applies (``BLASConfiguration/recommendedCore(selected:capabilities:)``). Core names are
/// those of `openblas_get_corename()` and `OPENBLAS_CORETYPE` (OpenBLAS's
/// `driver/others/dynamic.c`), compared without regard to case.
public enum BLASKernelFamily: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    /// SSE2/SSE3 kernels: Katmai, Coppermine, Northwood, Prescott, Banias, Atom, Core2,
    /// Penryn, Dunnington, Nehalem, Athlon, Opteron, Opteron_SSE3, Barcelona, Nano, Bobcat.
    case sse
    /// AVX kernels without FMA3 or AVX2: Sandybridge, and AMD's Bulldozer, Piledriver,
    /// Steamroller and Excavator.
    case avx
    /// AVX2 + FMA3 kernels: Haswell and Zen.
    case avx2
    /// AVX-512 kernels: SkylakeX, Cooperlake and SapphireRapids.
    case avx512

    /// The family of an OpenBLAS core name (any case); `nil` for a name this table does not
    /// know (another architecture, or a core newer than this table), about which nothing is
    /// assumed.
    public init?(coreName: String) {
        guard let family = Self.coreNames.first(where: { $0.value.contains(coreName.lowercased()) })?.key else {
            return nil
        }
        self = family
    }

    /// The fastest family whose instructions `capabilities` include: AVX-512 needs the
    /// Skylake-SP set (F, CD, BW, DQ, VL), AVX2 needs FMA as well, AVX needs AVX.
    public init(capabilities: CPUCapabilities) {
        if capabilities.isSuperset(of: .skylakeAVX512) && capabilities.isSuperset(of: [.avx2, .fma]) {
            self = .avx512
        } else if capabilities.isSuperset(of: [.avx, .avx2, .fma]) {
            self = .avx2
        } else if capabilities.contains(.avx) {
            self = .avx
        } else {
            self = .sse
        }
    }

    /// The core KronKit selects for this family: `SkylakeX`, `Haswell` and `Sandybridge`, the
    /// Intel reference kernels of each family, which `make test-cores` runs the test suite on
    /// (`Cooperlake` adds only bfloat16 routines KronKit does not call; `Zen` is `Haswell`'s
    /// kernels with other block sizes). `nil` for ``sse``: every x86-64 CPU runs it already.
    public var preferredCore: String? {
        switch self {
        case .sse: nil
        case .avx: "Sandybridge"
        case .avx2: "Haswell"
        case .avx512: "SkylakeX"
        }
    }

    /// `SSE`, `AVX`, `AVX2`, `AVX-512`.
    public var description: String {
        switch self {
        case .sse: "SSE"
        case .avx: "AVX"
        case .avx2: "AVX2"
        case .avx512: "AVX-512"
        }
    }

    /// Whether `lhs` is an older (slower) family than `rhs`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Lower-cased OpenBLAS x86-64 core names by family.
    private static let coreNames: [BLASKernelFamily: Set<String>] = [
        .sse: ["katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
               "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat"],
        .avx: ["sandybridge", "bulldozer", "piledriver", "steamroller", "excavator"],
        .avx2: ["haswell", "zen"],
        .avx512: ["skylakex", "cooperlake", "sapphirerapids"],
    ]
}
