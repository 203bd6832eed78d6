import CSQLite

/// A thin wrapper over one sqlite3 connection with cached prepared statements.
/// Not thread-safe: each connection is owned by one lock or one thread.
final class SQLiteConnection: @unchecked Sendable {
    let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, readOnly: Bool) throws(StorageErrorWrapper) {
        var handle: OpaquePointer?
        let flags = readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close(handle) }
            throw StorageErrorWrapper("open \(path): \(msg)")
        }
        db = handle
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        for (_, s) in statements { sqlite3_finalize(s) }
        sqlite3_close(db)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(db)) }

    func exec(_ sql: String) throws(StorageErrorWrapper) {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw StorageErrorWrapper("\(sql.prefix(40)): \(msg)")
        }
    }

    /// A prepared statement, reset and with bindings cleared, ready to bind.
    func statement(_ sql: String) throws(StorageErrorWrapper) -> Statement {
        if let s = statements[sql] {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
            return Statement(handle: s, connection: self)
        }
        var s: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil) == SQLITE_OK, let s else {
            throw StorageErrorWrapper("prepare: \(errorMessage)")
        }
        statements[sql] = s
        return Statement(handle: s, connection: self)
    }
}

/// Internal error carrier; mapped to `StorageError.unavailable` at the API boundary.
struct StorageErrorWrapper: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A borrowed prepared statement.
struct Statement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
    /// Binds with the explicit UTF-8 length: keys may contain NUL (continue keys end in one).
    func bind(_ i: Int32, _ v: String) {
        var v = v
        v.withUTF8 { u in
            u.withMemoryRebound(to: CChar.self) { c in
                if let base = c.baseAddress {
                    _ = sqlite3_bind_text(handle, i, base, Int32(u.count), SQLITE_TRANSIENT)
                } else {
                    _ = sqlite3_bind_text(handle, i, "", 0, SQLITE_TRANSIENT)
                }
            }
        }
    }
    func bind(_ i: Int32, _ v: [UInt8]) {
        v.withUnsafeBytes { p in
            _ = sqlite3_bind_blob(handle, i, p.baseAddress, Int32(p.count), SQLITE_TRANSIENT)
        }
    }
    func bindNull(_ i: Int32) { sqlite3_bind_null(handle, i) }

    /// Steps once; true when a row is available.
    func step() throws(StorageErrorWrapper) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw StorageErrorWrapper("step: \(connection.errorMessage)")
    }

    func run() throws(StorageErrorWrapper) {
        while try step() {}
        sqlite3_reset(handle)
    }

    func int(_ col: Int32) -> Int64 { sqlite3_column_int64(handle, col) }
    func isNull(_ col: Int32) -> Bool { sqlite3_column_type(handle, col) == SQLITE_NULL }
    func text(_ col: Int32) -> String {
        guard let p = sqlite3_column_text(handle, col) else { return "" }
        return String(cString: p)
    }
    func blob(_ col: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, col))
        guard n > 0, let p = sqlite3_column_blob(handle, col) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    func reset() { sqlite3_reset(handle) }
}
