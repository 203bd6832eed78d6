public struct APIBenchmark {
 public init(kubeconfigPath: String, connections: Int, creates: Int, gets: Int, serverPID: Int?, namespace: String) {}
 public func run() async throws {}
}
