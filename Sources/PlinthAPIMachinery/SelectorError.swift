/// A label or field selector that could not be parsed, converted or validated.
///
/// `message` is worded as kube-apiserver words it, so a handler can return it unchanged as the
/// message of a 400 BadRequest Status (e.g. `unable to parse requirement: found '', expected: '('`,
/// `field label not supported: foo`).
public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
