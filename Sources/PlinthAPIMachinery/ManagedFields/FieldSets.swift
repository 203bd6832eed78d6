import PlinthJSON

/// Field sets of objects, as structured-merge-diff computes them.
public struct FieldSets: Sendable {
    let shape: ObjectShape

    public init(shape: ObjectShape) {
        self.shape = shape
    }

    /// The fields an applied configuration sets: leaves, list items, and empty objects.
    public func applied(_ v: JSON, _ s: JSON?) -> FieldSet {
        var set = FieldSet()
        switch v {
        case .object(let o):
            if shape.isAtomicObject(s) || o.isEmpty { set.member = true; return set }
            for e in o.entries { set.children[.field(e.key)] = applied(e.value, shape.child(s, e.key)) }
        case .array(let a):
            switch shape.listKind(s) {
            case .atomic: set.member = true
            case .set: for item in a { set.children[.value(item.serializedString()), default: FieldSet()].member = true }
            case .map(let keys):
                for item in a {
                    guard let k = ObjectShape.itemKey(item, keys, defaults: shape.items(s)) else { continue }
                    var child = applied(item, shape.items(s))
                    child.member = true
                    set.children[.key(k)] = child
                }
            }
        default:
            set.member = true
        }
        return set
    }

    /// Every node of a value, objects included (what an Update that creates it owns). One walk.
    public func everything(_ v: JSON, _ s: JSON?) -> FieldSet {
        var set = FieldSet()
        set.member = true
        switch v {
        case .object(let o) where !o.isEmpty && !shape.isAtomicObject(s):
            for e in o.entries { set.children[.field(e.key)] = everything(e.value, shape.child(s, e.key)) }
        case .array(let a):
            switch shape.listKind(s) {
            case .atomic: break
            case .set:
                for item in a { set.children[.value(item.serializedString()), default: FieldSet()].member = true }
            case .map(let keys):
                let itemSchema = shape.items(s)
                for item in a {
                    guard let k = ObjectShape.itemKey(item, keys, defaults: itemSchema) else { continue }
                    set.children[.key(k)] = everything(item, itemSchema)
                }
            }
        default:
            break
        }
        return set
    }

    /// Fields added or modified going from `old` to `new`.
    public func changed(_ old: JSON?, _ new: JSON, _ s: JSON?) -> FieldSet {
        guard let old else { return everything(new, s) }
        if old == new { return FieldSet() }
        var set = FieldSet()
        switch (old, new) {
        case (.object(let a), .object(let b)) where !shape.isAtomicObject(s):
            for e in b.entries {
                let c = changed(a[e.key], e.value, shape.child(s, e.key))
                if !c.isEmpty { set.children[.field(e.key)] = c }
            }
        case (.array(let a), .array(let b)):
            switch shape.listKind(s) {
            case .atomic: set.member = true
            case .set:
                for item in b where !a.contains(item) { set.children[.value(item.serializedString()), default: FieldSet()].member = true }
            case .map(let keys):
                let olds = itemsByKey(a, keys, s)
                for item in b {
                    guard let k = ObjectShape.itemKey(item, keys, defaults: shape.items(s)) else { continue }
                    let c = changed(olds[k], item, shape.items(s))
                    if !c.isEmpty { set.children[.key(k)] = c }
                }
            }
        default:
            set.member = true
        }
        return set
    }

    /// Fields present in `old` and gone in `new`.
    public func removed(_ old: JSON, _ new: JSON?, _ s: JSON?) -> FieldSet {
        guard let new else { return everything(old, s) }
        var set = FieldSet()
        switch (old, new) {
        case (.object(let a), .object(let b)) where !shape.isAtomicObject(s):
            for e in a.entries {
                let r = removed(e.value, b[e.key], shape.child(s, e.key))
                if !r.isEmpty { set.children[.field(e.key)] = r }
            }
        case (.array(let a), .array(let b)):
            switch shape.listKind(s) {
            case .atomic: break
            case .set:
                for item in a where !b.contains(item) { set.children[.value(item.serializedString()), default: FieldSet()].member = true }
            case .map(let keys):
                let news = itemsByKey(b, keys, s)
                for item in a {
                    guard let k = ObjectShape.itemKey(item, keys, defaults: shape.items(s)) else { continue }
                    let r = removed(item, news[k], shape.items(s))
                    if !r.isEmpty { set.children[.key(k)] = r }
                }
            }
        case (.object, _), (.array, _):
            return everything(old, s)
        default:
            break
        }
        return set
    }

    /// An associative list's items by key (the first of duplicates wins).
    func itemsByKey(_ items: [JSON], _ keys: [String], _ s: JSON?) -> [String: JSON] {
        let itemSchema = shape.items(s)
        return Dictionary(items.compactMap { i in ObjectShape.itemKey(i, keys, defaults: itemSchema).map { ($0, i) } }, uniquingKeysWith: { x, _ in x })
    }
}
