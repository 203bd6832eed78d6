/// Why the agent could not do what the API server asked (shown to the user in a Status).
struct AgentError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
