/// An order-preserving JSON object. Lookups are linear, which is faster than hashing for the
/// small objects API resources are made of; equality ignores key order.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: JSON
        public init(key: String, value: JSON) { self.key = key; self.value = value }
    }

    public private(set) var entries: [Entry]

    public init() { entries = [] }
    public init(entries: [Entry]) { self.entries = entries }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (k, v) in elements { self[k] = v }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    @inlinable public func index(forKey key: String) -> Int? {
        entries.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSON? {
        get {
            for e in entries where e.key == key { return e.value }
            return nil
        }
        set {
            if let i = index(forKey: key) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// Appends without checking for an existing key; for builders that know keys are new.
    public mutating func appendUnchecked(_ key: String, _ value: JSON) {
        entries.append(Entry(key: key, value: value))
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let i = index(forKey: key) else { return nil }
        return entries.remove(at: i).value
    }

    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// Keys sorted, as Go prints maps.
    public mutating func sortKeys() { entries.sort { $0.key < $1.key } }

    /// Moves the given keys to the front, in that order (kind, apiVersion, metadata, …).
    public mutating func moveToFront(_ keys: [String]) {
        var front: [Entry] = []
        for k in keys { if let i = index(forKey: k) { front.append(entries.remove(at: i)) } }
        entries.insert(contentsOf: front, at: 0)
    }

    public func makeIterator() -> AnyIterator<(key: String, value: JSON)> {
        var it = entries.makeIterator()
        return AnyIterator { it.next().map { ($0.key, $0.value) } }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        guard a.entries.count == b.entries.count else { return false }
        for e in a.entries {
            guard let v = b[e.key], v == e.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-entry hashes commutatively.
        var acc = 0
        for e in entries {
            var h = Hasher()
            h.combine(e.key)
            h.combine(e.value)
            acc ^= h.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(acc)
    }
}
