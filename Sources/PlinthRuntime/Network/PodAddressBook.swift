import Foundation
import PlinthAPIMachinery

/// The addresses handed out from one host's pod subnet, one file per address holding the pod's
/// uid (as CNI's host-local plugin keeps them), so an agent that restarts never hands out an
/// address twice. The network address, the gateway (`.1`) and the broadcast address are never
/// given; the next address after the last one given is tried first, so a freed address is not
/// reused at once.
struct PodAddressBook {
    let subnet: IPv4Subnet
    let directory: String
    private(set) var owners: [IPv4Address: String] = [:]
    private var last: UInt32 = 1

    init(subnet: IPv4Subnet, directory: String) throws {
        self.subnet = subnet
        self.directory = directory
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: directory) {
            guard let address = IPv4Address(name), subnet.contains(address),
                  let uid = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { continue }
            owners[address] = uid.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let text = try? String(contentsOfFile: directory + "/last-reserved", encoding: .utf8),
           let address = IPv4Address(text.trimmingCharacters(in: .whitespacesAndNewlines)), subnet.contains(address) {
            last = address.value - subnet.network.value
        }
    }

    /// Offsets a pod may get: past the gateway, before the broadcast address.
    var usable: ClosedRange<UInt32> { 2...UInt32(subnet.size - 2) }

    func address(of podUID: String) -> IPv4Address? {
        owners.first { $0.value == podUID }?.key
    }

    /// The pod's address: the one it holds, or the next free one (recorded before it is returned).
    mutating func allocate(podUID: String) throws -> IPv4Address {
        if let held = address(of: podUID) { return held }
        let (first, count) = (Int(usable.lowerBound), usable.count)
        for step in 1...count {
            let offset = UInt32(first + (Int(last) - first + step) % count)
            let address = subnet.address(offset)
            guard owners[address] == nil else { continue }
            let path = directory + "/" + address.description
            // O_EXCL: a file already there (written by another agent of this host) is taken.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                if errno == EEXIST { owners[address] = "?"; continue }
                throw PodNetworkError("recording address \(address): \(String(cString: strerror(errno)))")
            }
            HostCommand.writeAll(fd, Array(podUID.utf8))
            close(fd)
            owners[address] = podUID
            last = offset
            try? address.description.write(toFile: directory + "/last-reserved", atomically: true, encoding: .utf8)
            return address
        }
        throw PodNetworkError("no free address left in \(subnet): \(owners.count) pods hold one")
    }

    /// Frees what the pod holds.
    mutating func release(podUID: String) {
        for (address, owner) in owners where owner == podUID {
            unlink(directory + "/" + address.description)
            owners[address] = nil
        }
    }
}
