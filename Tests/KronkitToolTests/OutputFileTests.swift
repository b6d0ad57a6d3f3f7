import CurvatureOptimizers
import Foundation
import FoundationXML
import Testing
@testable import KronkitTool

/// Counts the elements of an XML document and collects its text.
final class SVGInspector: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Parses `data`; nil when it is not well-formed XML.
    static func inspect(_ data: Data) -> SVGInspector? {
        let inspector = SVGInspector()
        let parser = XMLParser(data: data)
        parser.delegate = inspector
        return parser.parse() ? inspector : nil
    }
}

@Suite("metrics.csv, report.svg and the comparison table")
struct OutputFileTests {
    @Test("compare writes a CSV row per evaluation and a well-formed SVG with a line per run in every chart")
    func compareOutputs() throws {
        let folder = temporaryFolder()
        // An unreachable target: no run comes near it, so rows stay at the evaluation period.
        let result = ToolHarness.run(["compare", "--optimizers", "sgd,kfac", "--steps", "6", "--target-loss", "1e-9",
                                      "-o", folder] + tinyRun)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("| sgd |") && result.output.contains("| kfac |"))
        #expect(result.output.contains("Report: \(folder)/report.svg"))

        let csv = try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first == MetricsRow.csvHeader)
        let fields = MetricsRow.csvHeader.split(separator: ",").count
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 2 * 4) // steps 0, 2, 4, 6 for each method
        for row in rows {
            #expect(row.count == fields)
            #expect(["sgd", "kfac"].contains(String(row[0])))
            #expect(Double(row[5]) != nil && Double(row[6]) != nil) // test loss and accuracy
        }
        #expect(rows.filter { $0[0] == "kfac" }.map { Int($0[1]) } == [0, 2, 4, 6])
        #expect(rows.first?[4] == "") // no training loss before the first step

        let svg = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.svg"))
        let inspector = try #require(SVGInspector.inspect(svg))
        #expect(inspector.elements["svg"] == 1)
        #expect(inspector.elements["polyline"] == 2 * 4)
        for label in ["sgd", "kfac", "optimizer step", "wall-clock training time (s)", "test accuracy (%)", "test loss"] {
            #expect(inspector.text.contains(label), "missing \(label)")
        }
    }

    @Test("the autoencoder reports test loss without accuracy")
    func autoencoder() throws {
        let folder = temporaryFolder()
        let result = ToolHarness.run(["compare", "--model", "autoencoder", "--optimizers", "adam", "--steps", "2",
                                      "-o", folder] + tinyData)
        #expect(result.status == 0, "\(result.errors)")
        let csv = try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8)
        for line in csv.split(separator: "\n").dropFirst() {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false)[6] == "")
        }
        let inspector = try #require(SVGInspector.inspect(try Data(contentsOf: URL(fileURLWithPath: folder + "/report.svg"))))
        #expect(inspector.text.contains("training loss"))
        #expect(result.output.contains("steps to loss"))
    }

    @Test("chart text is escaped and empty or single-point series still give well-formed SVG")
    func svgEdgeCases() throws {
        let charts = [
            SVGChart(title: "a <b> & \"c\"", xLabel: "x & y", yLabel: "<y>",
                     series: [.init(label: "sgd<1>", points: [(0, 1), (1, .nan), (2, 0.5)])], logarithmicY: true),
            SVGChart(title: "empty", xLabel: "x", yLabel: "y", series: []),
            SVGChart(title: "one point", xLabel: "x", yLabel: "y", series: [.init(label: "p", points: [(1, 1)])]),
        ]
        let inspector = try #require(SVGInspector.inspect(Data(SVGChart.document(charts).utf8)))
        #expect(inspector.text.contains("a <b> & \"c\""))
        #expect(inspector.elements["circle"] == 1)
        #expect(SVGChart.logarithmicTicks(log10(0.3)...log10(2.5)) == [0.5, 1, 2])
        #expect(SVGChart.ticks(0...10) == [0, 2, 4, 6, 8, 10])
    }

    @Test("the comparison table gives steps to target, the ratio to the best first-order method and the verdict")
    func comparisonTable() {
        func record(_ method: OptimizerMethod, reachesAt step: Int?, seconds: Double) -> RunRecord {
            let rows = (0...10).map { k in
                MetricsRow(step: 10 * k, epoch: 1, seconds: seconds * Double(k) / 10, trainLoss: 1, testLoss: 1,
                           testAccuracy: step.map { 10 * k >= $0 ? 0.95 : 0.5 } ?? 0.5, timings: .init())
            }
            return RunRecord(method: method, rows: rows, stateBytes: 2_500_000, totalSteps: 100,
                             finalStep: 100, finalSeconds: seconds, outcome: .finished)
        }
        let table = Report.comparisonTable(
            [record(.sgd, reachesAt: 80, seconds: 1), record(.adam, reachesAt: 60, seconds: 2),
             record(.kfac, reachesAt: 30, seconds: 4), record(.ekfac, reachesAt: 50, seconds: 4),
             record(.tkfac, reachesAt: nil, seconds: 4)],
            target: .accuracy(0.9))
        #expect(table.contains("Best first-order method: adam, 90.0% acc at step 60 (1.20 s); fastest in wall-clock: sgd (0.80 s)"))
        #expect(table.contains("- kfac: 30 steps = 0.50× (≤ 0.75: yes), 1.20 s = 1.50× the fastest first-order wall-clock."))
        #expect(table.contains("- kfac: 30 steps = 0.50× (≤ 0.75: yes)"))
        #expect(table.contains("- ekfac: 50 steps = 0.83× (≤ 0.75: no)"))
        #expect(table.contains("- tkfac: did not reach"))
        #expect(table.contains("| 2.5 MB |"))
    }
}
