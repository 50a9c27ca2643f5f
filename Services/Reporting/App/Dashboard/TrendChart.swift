import Foundation

/// The weekly trend as an SVG bar chart drawn on the server: per week, cases collected and, of those, solved.
struct TrendChart {
    struct Week {
        var name: String
        var collected: Int
        var solved: Int
    }

    var weeks: [Week]
    var language: Language

    var svg: String {
        let width = 720, height = 220, left = 40, bottom = 30, top = 20
        let plotHeight = height - bottom - top
        let highest = max(weeks.map(\.collected).max() ?? 0, 1)
        let slot = Double(width - left) / Double(max(weeks.count, 1))
        let bar = max(slot * 0.35, 2)
        func y(_ value: Int) -> Double { Double(top) + Double(plotHeight) * (1 - Double(value) / Double(highest)) }
        func h(_ value: Int) -> Double { Double(plotHeight) * Double(value) / Double(highest) }
        var parts: [String] = []
        parts.append("<line x1=\"\(left)\" y1=\(q(y(0))) x2=\"\(width)\" y2=\(q(y(0))) stroke=\"#9aa5b1\"/>")
        parts.append("<text x=\"\(left - 6)\" y=\(q(y(highest) + 4)) text-anchor=\"end\">\(highest)</text>")
        parts.append("<text x=\"\(left - 6)\" y=\(q(y(0) + 4)) text-anchor=\"end\">0</text>")
        for (index, week) in weeks.enumerated() {
            let x = Double(left) + slot * Double(index) + slot * 0.12
            let label = "\(week.name): \(language("收集", "collected")) \(week.collected), \(language("已解决", "solved")) \(week.solved)"
            parts.append("""
                <g><title>\(esc(label))</title>\
                <rect class="collected" x=\(q(x)) y=\(q(y(week.collected))) width=\(q(bar)) height=\(q(h(week.collected))) fill="#c2410c"/>\
                <rect class="solved" x=\(q(x + bar)) y=\(q(y(week.solved))) width=\(q(bar)) height=\(q(h(week.solved))) fill="#15803d"/>\
                <text x=\(q(x + bar)) y="\(height - 10)" text-anchor="middle">\(esc(String(week.name.suffix(3))))</text></g>
                """)
        }
        let legend = """
            <rect x="\(width - 190)" y="2" width="10" height="10" fill="#c2410c"/><text x="\(width - 176)" y="11">\(language("收集问题", "collected"))</text>\
            <rect x="\(width - 100)" y="2" width="10" height="10" fill="#15803d"/><text x="\(width - 86)" y="11">\(language("已解决", "solved"))</text>
            """
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(language("按周趋势", "Trend by week"))" \
            viewBox="0 0 \(width) \(height)" width="100%" style="max-width:\(width)px;background:#fff">\(legend)\(parts.joined())</svg>
            """
    }

    private func q(_ value: Double) -> String { "\"" + String(format: "%.1f", value) + "\"" }
}
