import Foundation
import Mustache
import SIPASApp
import SIPASCore

/// A campaign's figures as lines of text for a reader — the index tree, the improvement
/// priorities, a unit's rank, the wishes — written once for the screens and the printed report.
public struct NodeLine: Sendable {
    public var title: String
    public var code: String
    public var depthClass: String
    public var isLeaf: Bool
    public var estimate: String
    public var interval: String
    public var n: String
    public var lowN: Bool
    public var standing: String?
    /// Whether the table has the "against the campaign" column (a unit's view).
    public var compared: Bool
}

public struct PriorityLine: Sendable {
    public var rank: Int
    public var title: String
    public var code: String
    public var estimate: String
    public var gain: String
    public var gainSE: String
    public var lowN: Bool
}

public struct WishShare: Sendable {
    public var label: String
    public var estimate: String
    public var interval: String
    public var n: String
    public var lowN: Bool
}

public struct WishQuestion: Sendable {
    public var code: String
    public var text: String
    public var chart: String
    public var shares: [WishShare]
    public var multiple: Bool
}

public enum FigureLines {
    /// The ten improvement priorities as the screens and reports list them.
    public static func priorityLines(_ priorities: [Priority]) -> [PriorityLine] {
        priorities.prefix(10).enumerated().map { i, p in
            PriorityLine(rank: i + 1, title: p.title, code: p.item, estimate: VietnameseFormat.percent(p.estimate),
                         gain: p.gain.map { DecimalText.vietnamese($0) } ?? "—", gainSE: p.gainSE.map { DecimalText.vietnamese($0) } ?? "—", lowN: p.lowN)
        }
    }

    /// A unit's rank among every ranked unit of the campaign, with its rank range when it is one.
    public static func rankWords(_ o: Dashboards.Overview) -> (position: Int, among: String, range: String)? {
        guard let rank = o.rank, let position = rank.rank else { return nil }
        let range = rank.bestRank.map { best in best == rank.worstRank ? "" : " (khoảng hạng \(best)–\(rank.worstRank ?? best))" } ?? ""
        return (position, VietnameseFormat.count(o.rankedAmong), range)
    }

    /// The satisfaction index's tree (the questionnaire's first), or the other trees (interest,
    /// wishes): shares of another kind, never labelled as satisfaction.
    public static func nodeLines(_ o: Dashboards.Overview, satisfaction: Bool = true) -> [NodeLine] {
        o.nodes.filter { ($0.row.index == o.context.rootCode) == satisfaction }.map { figure -> NodeLine in
            let r = figure.row
            // A figure the release blanks reads "—", not "0 phiếu · ít phiếu".
            let blanked = r.estimate == nil && r.n == 0
            return NodeLine(title: r.title, code: r.node, depthClass: "depth-\(min(r.depth, 4))", isLeaf: r.isLeaf,
                            estimate: VietnameseFormat.percent(r.estimate), interval: VietnameseFormat.interval(r.ciLow, r.ciHigh),
                            n: blanked ? "—" : VietnameseFormat.count(r.n), lowN: r.lowN && !blanked, standing: blanked ? "—" : figure.standing?.label,
                            compared: o.unit != nil)
        }
    }

    /// The first line when it has a figure: a withheld index is said so, not shown as "—".
    public static func headline(_ lines: [NodeLine]) -> NodeLine? {
        lines.first.flatMap { $0.estimate == VietnameseFormat.percent(nil) ? nil : $0 }
    }

    /// The index and its aspects with their intervals, and the target's line.
    public static func chart(_ o: Dashboards.Overview) -> String {
        let rootCode = o.context.rootCode
        let topLevel = o.nodes.filter { $0.row.depth <= 1 && $0.row.index == rootCode }
        var lines: [IntervalChart.Line] = []
        if let t = o.target { lines.append(.init(value: t.percent, label: "mục tiêu", dashed: true)) }
        return IntervalChart(key: "nodes", title: "Chỉ số và các lĩnh vực, khoảng tin cậy 95%",
                             rows: topLevel.map { .init(label: $0.row.title, estimate: $0.row.estimate, low: $0.row.ciLow, high: $0.row.ciHigh, lowN: $0.row.lowN) },
                             lines: lines).svg()
    }

    public static func wishQuestions(_ w: Dashboards.Wishes) -> [WishQuestion] {
        w.questions.enumerated().map { i, q in
            let multiple = q.shares.first?.entry.optionCode != nil
            let labelled = q.shares.map { ($0, $0.entry.optionLabel ?? $0.entry.itemText) }
            // Shares of options run from near 0: the axis starts at 0 and ends a little above the largest.
            let highest = q.shares.compactMap { $0.row?.ciHigh }.max() ?? 100
            let axis: ClosedRange<Double>? = multiple ? 0...min(100, ((highest + 5) / 10).rounded(.up) * 10) : nil
            let chart = IntervalChart(key: "wish\(i)", title: "\(q.itemCode): \(q.itemText)",
                                      rows: labelled.map { share, label in
                                          .init(label: label, estimate: share.row?.estimate, low: share.row?.ciLow, high: share.row?.ciHigh, lowN: share.row?.lowN ?? false)
                                      }, axis: axis).svg()
            return WishQuestion(code: q.itemCode, text: q.itemText, chart: chart, shares: labelled.map { share, label in
                WishShare(label: label, estimate: VietnameseFormat.percent(share.row?.estimate),
                      interval: VietnameseFormat.interval(share.row?.ciLow, share.row?.ciHigh),
                      n: share.row.map { VietnameseFormat.count($0.n) } ?? "—", lowN: share.row?.lowN ?? false)
            }, multiple: multiple)
        }
    }
}

// Index trees are long tables: their lines give their fields by name (no reflection per field).
extension NodeLine: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "code": return code
        case "depthClass": return depthClass
        case "isLeaf": return isLeaf
        case "estimate": return estimate
        case "interval": return interval
        case "n": return n
        case "lowN": return lowN
        case "standing": return standing
        case "compared": return compared
        default: return nil
        }
    }
}
