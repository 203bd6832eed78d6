/// A failure talking to the API or reading client configuration, worded for the command line.
public struct ClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
