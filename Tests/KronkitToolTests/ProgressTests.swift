import Foundation
import Testing
@testable import KronkitTool

@Suite("Progress output")
struct ProgressTests {
    let status = ProgressReporter.Status(run: "kfac", epoch: 2, epochs: 5, step: 120, totalSteps: 300, loss: 0.43121,
                                         accuracy: 0.881, elapsed: 3)

    @Test("a non-terminal console gets plain lines at the line interval, and always the final one")
    func plainLines() {
        let harness = ToolHarness()
        var reporter = ProgressReporter(console: harness.console, lineInterval: 5)
        #expect(!reporter.interactive)
        var current = status
        for second in [0.0, 1, 4.9, 5, 6, 10.5] {
            current.elapsed = second
            reporter.update(current)
        }
        reporter.update(current, final: true)
        let printed = harness.printed
        #expect(printed.split(separator: "\n").count == 4) // at 0, 5 and 10.5 seconds, and the final update
        #expect(!printed.contains("\r") && !printed.contains("\u{1B}"))
        #expect(ProgressReporter.line(status)
            == "[kfac] epoch 2/5 step 120/300 train loss 0.4312 test acc 88.1% 40.0 steps/s ETA 5s")
        var diverging = status
        diverging.loss = 1.3863568843e36
        #expect(ProgressReporter.line(diverging).contains("train loss 1.386e+36 "), "a diverging loss stays readable")
    }

    @Test("a terminal gets a bar redrawn in place")
    func terminalBar() {
        #expect(ProgressReporter.bar(status, width: 10).hasPrefix("kfac epoch 2/5 ████░░░░░░ step 120/300"))
        #expect(ProgressReporter.duration(42) == "42s")
        #expect(ProgressReporter.duration(185) == "3m05s")
        #expect(ProgressReporter.duration(3720) == "1h02m")
    }

    @Test("train on a non-terminal prints plain progress lines and its summary")
    func trainPrintsPlainLines() {
        let result = ToolHarness.run(["train", "--optimizer", "sgd", "--steps", "3", "-o", temporaryFolder()] + tinyRun)
        #expect(result.status == 0)
        #expect(result.output.contains("[sgd] epoch 1/1 step 1/3"))
        #expect(result.output.contains("[sgd] epoch 1/1 step 3/3"))
        #expect(!result.output.contains("\r"))
        #expect(result.output.contains("sgd: 3 steps in"))
    }
}
