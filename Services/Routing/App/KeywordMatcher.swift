/// Finds which of many keywords occur in a text in one pass (Aho–Corasick over UTF-8 bytes), so routing costs the
/// length of the text, not the number of keywords times it.
struct KeywordMatcher: Sendable {
    private struct Node: Sendable {
        var next: [UInt8: Int32] = [:]
        var fail: Int32 = 0
        /// Keyword indices ending here, including those reached through failure links.
        var outputs: [Int32] = []
    }

    private var nodes: [Node] = [Node()]
    let keywordCount: Int

    init(_ keywords: [String]) {
        keywordCount = keywords.count
        for (index, keyword) in keywords.enumerated() where !keyword.isEmpty {
            var state = 0
            for byte in keyword.utf8 {
                if let next = nodes[state].next[byte] {
                    state = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[state].next[byte] = Int32(nodes.count - 1)
                    state = nodes.count - 1
                }
            }
            nodes[state].outputs.append(Int32(index))
        }
        // Breadth-first: each node's failure link is the longest proper suffix that is also a path from the root.
        var queue: [Int] = nodes[0].next.values.map(Int.init)
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, child) in nodes[state].next {
                var fallback = Int(nodes[state].fail)
                while fallback != 0 && nodes[fallback].next[byte] == nil { fallback = Int(nodes[fallback].fail) }
                let target = nodes[fallback].next[byte].map(Int.init) ?? 0
                nodes[Int(child)].fail = Int32(target == Int(child) ? 0 : target)
                nodes[Int(child)].outputs += nodes[Int(nodes[Int(child)].fail)].outputs
                queue.append(Int(child))
            }
        }
    }

    /// For each keyword, whether it occurs in `text`.
    func matches(in text: String) -> [Bool] {
        var found = [Bool](repeating: false, count: keywordCount)
        var state = 0
        for byte in text.utf8 {
            while state != 0 && nodes[state].next[byte] == nil { state = Int(nodes[state].fail) }
            state = nodes[state].next[byte].map(Int.init) ?? 0
            for index in nodes[state].outputs { found[Int(index)] = true }
        }
        return found
    }
}
