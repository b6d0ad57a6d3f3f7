import Testing
@testable import KronkitTool

/// Combinations that are not built yet are refused while the flags are parsed (or, for the
/// process count, before any data is read), each with a message naming what is missing.
@Suite("Unbuilt combinations are refused up front")
struct UnbuiltCombinationTests {
    @Test("--adaptive in 16 bits, --adaptive on vit, a loss scale outside Float's range; vit in 16 bits is accepted")
    func refusedWhileParsing() {
        let refused: [([String], String)] = [
            (["--optimizer", "kfac", "--adaptive", "--precision", "float16"], "--adaptive"),
            (["--optimizer", "kfac", "--adaptive", "--model", "vit"], "--adaptive"),
            (["--precision", "float16", "--loss-scale", "1e300"], "loss scale"),
            (["--precision", "float16", "--loss-scale", "1e-50"], "loss scale"),
        ]
        for (arguments, named) in refused {
            #expect {
                _ = try Train.parse(arguments)
            } throws: { error in
                Train.message(for: error).contains(named)
            }
        }
        #expect((try? Train.parse(["--precision", "float16", "--loss-scale", "1024"])) != nil)
        #expect((try? Train.parse(["--model", "vit", "--precision", "bfloat16"])) != nil)
    }

    @Test("16-bit storage and --adaptive are refused for more than one process, accepted for one")
    func refusedForSeveralProcesses() throws {
        let lowPrecision = try Train.parse(["--precision", "bfloat16"]).options
        #expect(throws: (any Error).self) { try lowPrecision.requireBuiltCombination(processes: 2) }
        try lowPrecision.requireBuiltCombination(processes: 1)
        let adaptive = try Train.parse(["--optimizer", "kfac", "--adaptive"]).options
        #expect(throws: (any Error).self) { try adaptive.requireBuiltCombination(processes: 2) }
        try adaptive.requireBuiltCombination(processes: 1)
        try Train.parse(["--optimizer", "kfac"]).options.requireBuiltCombination(processes: 2)
    }
}
