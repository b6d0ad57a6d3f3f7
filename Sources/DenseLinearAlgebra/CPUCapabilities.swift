import Foundation

/// The x86-64 instruction-set extensions that decide which OpenBLAS kernels a CPU can run.
///
/// Read from the `flags` line of Linux's `/proc/cpuinfo` (``current``). Those flags are the
/// CPUID feature bits as the kernel reports them to user space: the kernel clears a bit whose
/// register state it does not save and restore (AVX and AVX-512 need the OS to enable their
/// state in `XCR0`), so a flag listed here is one a process can actually execute, which a
/// raw `cpuid` would only tell together with `xgetbv`. On a machine without
/// `/proc/cpuinfo` or without an x86 `flags` line (aarch64 lists `Features`) the set is
/// empty, and no faster kernel is ever recommended. See `Notes/BLASCores.md`.
public struct CPUCapabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// One bit per capability.
    public let rawValue: UInt32

    /// Creates a set from its raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// SSE3 (Linux flag `pni`), the baseline of OpenBLAS's generic `Prescott` kernels.
    public static let sse3 = CPUCapabilities(rawValue: 1 << 0)
    /// Supplemental SSE3.
    public static let ssse3 = CPUCapabilities(rawValue: 1 << 1)
    /// SSE4.1.
    public static let sse41 = CPUCapabilities(rawValue: 1 << 2)
    /// SSE4.2.
    public static let sse42 = CPUCapabilities(rawValue: 1 << 3)
    /// AVX (256-bit vectors), used by the `Sandybridge` kernels.
    public static let avx = CPUCapabilities(rawValue: 1 << 4)
    /// FMA3 fused multiply-add, used with AVX2 by the `Haswell` and `Zen` kernels.
    public static let fma = CPUCapabilities(rawValue: 1 << 5)
    /// AVX2 (256-bit integer and gather instructions).
    public static let avx2 = CPUCapabilities(rawValue: 1 << 6)
    /// AVX-512 Foundation.
    public static let avx512F = CPUCapabilities(rawValue: 1 << 7)
    /// AVX-512 Conflict Detection.
    public static let avx512CD = CPUCapabilities(rawValue: 1 << 8)
    /// AVX-512 Byte and Word instructions.
    public static let avx512BW = CPUCapabilities(rawValue: 1 << 9)
    /// AVX-512 Doubleword and Quadword instructions.
    public static let avx512DQ = CPUCapabilities(rawValue: 1 << 10)
    /// AVX-512 Vector Length extensions (the instructions on 128- and 256-bit registers).
    public static let avx512VL = CPUCapabilities(rawValue: 1 << 11)
    /// AVX-512 BFloat16 instructions (the `Cooperlake` kernels' addition).
    public static let avx512BF16 = CPUCapabilities(rawValue: 1 << 12)

    /// The AVX-512 subset of Skylake-SP that OpenBLAS's `SkylakeX` kernels are compiled for.
    public static let skylakeAVX512: CPUCapabilities = [.avx512F, .avx512CD, .avx512BW, .avx512DQ, .avx512VL]

    /// Each capability with its Linux `/proc/cpuinfo` flag and its conventional name.
    static let names: [(capability: CPUCapabilities, linuxFlag: String, name: String)] = [
        (.sse3, "pni", "SSE3"), (.ssse3, "ssse3", "SSSE3"), (.sse41, "sse4_1", "SSE4.1"),
        (.sse42, "sse4_2", "SSE4.2"), (.avx, "avx", "AVX"), (.fma, "fma", "FMA"), (.avx2, "avx2", "AVX2"),
        (.avx512F, "avx512f", "AVX-512F"), (.avx512CD, "avx512cd", "AVX-512CD"),
        (.avx512BW, "avx512bw", "AVX-512BW"), (.avx512DQ, "avx512dq", "AVX-512DQ"),
        (.avx512VL, "avx512vl", "AVX-512VL"), (.avx512BF16, "avx512_bf16", "AVX-512BF16"),
    ]

    /// The capabilities among Linux `/proc/cpuinfo` flag names (`pni`, `avx2`, `avx512f`, …);
    /// other flags are ignored.
    public init(linuxFlags flags: some Sequence<some StringProtocol>) {
        let present = Set(flags.map { String($0) })
        self = Self.names.reduce(into: []) { set, entry in
            if present.contains(entry.linuxFlag) { set.insert(entry.capability) }
        }
    }

    /// The capabilities listed on the first `flags` line of a `/proc/cpuinfo` text (every
    /// processor lists the same flags); empty when there is no such line.
    public init(cpuinfo text: String) {
        let line = text.split(separator: "\n").first { line in
            line.split(separator: ":", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) == "flags"
        }
        let flags = line.flatMap { $0.split(separator: ":", maxSplits: 1).dropFirst().first } ?? ""
        self.init(linuxFlags: flags.split(whereSeparator: { $0 == " " || $0 == "\t" }))
    }

    /// The capabilities of the CPU this process runs on, from `/proc/cpuinfo`; empty when the
    /// file cannot be read.
    ///
    /// - Complexity: one read of a file of a few kilobytes per processor.
    public static var current: CPUCapabilities {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        return CPUCapabilities(cpuinfo: text)
    }

    /// The conventional names of the capabilities present, e.g. `SSE3 … AVX2 AVX-512F`, or
    /// `none detected`.
    public var description: String {
        let present = Self.names.filter { contains($0.capability) }.map(\.name)
        return present.isEmpty ? "none detected" : present.joined(separator: " ")
    }
}
