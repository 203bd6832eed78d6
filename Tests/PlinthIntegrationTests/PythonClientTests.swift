import Foundation
import Testing

/// The virtualenv `scripts/python-env` makes: the official `kubernetes` client and pytest.
enum PythonEnvironment {
    static var python: String { PlinthServer.packageRoot.appendingPathComponent(".build/python/bin/python").path }
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python) }
}

/// The official Python `kubernetes` client from PyPI against a real server: its dynamic client
/// on custom resources, PartialObjectMetadataList and server-side apply (`Tests/python`, run by
/// pytest).
@Suite("Python kubernetes client against plinth", .plinthServer,
       .enabled(if: PythonEnvironment.isInstalled,
                "no Python test environment at .build/python (the kubernetes client and pytest): run scripts/python-env"))
struct PythonClientTests {
    @Test func dynamicClientTests() throws {
        let s = try sharedServer()
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = s.kubeconfig
        environment["HOME"] = s.home
        environment["PLINTH_TEST_NAMESPACE_PREFIX"] = "py"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"  // no __pycache__ in the source tree
        let tests = PlinthServer.packageRoot.appendingPathComponent("Tests/python").path
        let r = try CommandResult.run(PythonEnvironment.python, ["-m", "pytest", "-q", tests],
                                      environment: environment, timeout: 300)
        #expect(r.status == 0, "pytest \(tests) exited with \(r.status):\n\(r.stdout)\(r.stderr)")
    }
}
