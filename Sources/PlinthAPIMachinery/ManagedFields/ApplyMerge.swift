import PlinthJSON

/// Merging an applied configuration into the live object, and removing fields an applier no
/// longer sets, with list semantics from the object's shape.
public struct ApplyMerge: Sendable {
    let shape: ObjectShape

    public init(shape: ObjectShape) {
        self.shape = shape
    }

    /// The live object with the configuration merged in: objects key by key, associative lists
    /// item by item (matched by key), sets as unions; anything else replaced.
    public func merge(_ live: JSON?, _ config: JSON, _ s: JSON?) -> JSON {
        guard let live else { return config }
        switch (live, config) {
        case (.object(var l), .object(let c)) where !shape.isAtomicObject(s):
            for e in c.entries { l[e.key] = merge(l[e.key], e.value, shape.child(s, e.key)) }
            return .object(l)
        case (.array(var l), .array(let c)):
            switch shape.listKind(s) {
            case .atomic: return config
            case .set:
                for item in c where !l.contains(item) { l.append(item) }
                return .array(l)
            case .map(let keys):
                for item in c {
                    let k = ObjectShape.itemKey(item, keys, defaults: shape.items(s))
                    if let k, let i = l.firstIndex(where: { ObjectShape.itemKey($0, keys, defaults: shape.items(s)) == k }) {
                        l[i] = merge(l[i], item, shape.items(s))
                    } else {
                        l.append(item)
                    }
                }
                return .array(l)
            }
        default:
            return config
        }
    }

    /// The object without the member paths of `set` (fields, list items, set members).
    public func remove(_ set: FieldSet, from v: JSON, _ s: JSON?) -> JSON? {
        if set.member { return nil }
        switch v {
        case .object(var o):
            for (p, child) in set.children {
                guard case .field(let name) = p, let value = o[name] else { continue }
                o[name] = remove(child, from: value, shape.child(s, name))
            }
            return .object(o)
        case .array(let a):
            let kind = shape.listKind(s)
            var out: [JSON] = []
            for item in a {
                let element: PathElement?
                switch kind {
                case .set: element = .value(item.serializedString())
                case .map(let keys): element = ObjectShape.itemKey(item, keys, defaults: shape.items(s)).map { .key($0) }
                case .atomic: element = nil
                }
                if let element, let child = set.children[element] {
                    if let kept = remove(child, from: item, shape.items(s)) { out.append(kept) }
                } else {
                    out.append(item)
                }
            }
            return .array(out)
        default:
            return v
        }
    }

    /// The value at a path, nil when absent.
    public func value(at path: ArraySlice<PathElement>, in v: JSON?, _ s: JSON?) -> JSON? {
        guard let v, let first = path.first else { return v }
        switch (first, v) {
        case (.field(let name), .object(let o)):
            return value(at: path.dropFirst(), in: o[name], shape.child(s, name))
        case (.key(let k), .array(let a)):
            guard case .map(let keys) = shape.listKind(s) else { return nil }
            return value(at: path.dropFirst(), in: a.first { ObjectShape.itemKey($0, keys, defaults: shape.items(s)) == k }, shape.items(s))
        case (.value(let m), .array(let a)):
            return a.first { $0.serializedString() == m }
        case (.index(let i), .array(let a)):
            return i < a.count ? value(at: path.dropFirst(), in: a[i], shape.items(s)) : nil
        default:
            return nil
        }
    }
}
