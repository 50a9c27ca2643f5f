import DubanModels
import DubanStorage
import Foundation
import GRDB

/// The submitter as intake stores it: `case_record.submitter` keeps the enterprise in clear (JSON), and
/// `case_record.contact` the person's name and phone, sealed with the case id as context
/// (`PersonalDataCipher`: `v1:<keyid>:<base64>`); NULL when the submitter gave neither, or once erased.
extension CaseStore {
    /// What is sealed: the person, not the enterprise.
    struct SealedContact: Codable, Equatable {
        var name: String?
        var phone: String?
    }

    /// At most this many rows per transaction when a whole table is resealed, so submissions wait little.
    static let personalDataBatch = 500

    /// The two columns for `submitter` on case `caseID`.
    static func submitterColumns(_ submitter: Submitter, caseID: CaseID, cipher: PersonalDataCipher,
                                 encoder: JSONEncoder) throws -> (enterprise: Data, contact: String?) {
        let enterprise = try encoder.encode(submitter.withoutContact)
        guard submitter.name != nil || submitter.phone != nil else { return (enterprise, nil) }
        let contact = try encoder.encode(SealedContact(name: submitter.name, phone: submitter.phone))
        return (enterprise, try cipher.seal(contact, context: caseID.rawValue))
    }

    /// The submitter of case `caseID` from its two columns. Throws a ``ContactError`` when the contact does not open.
    static func submitter(enterprise: Data, contact: String?, caseID: CaseID, cipher: PersonalDataCipher) throws -> Submitter {
        var submitter = (try? DubanJSON.decoder().decode(Submitter.self, from: enterprise)) ?? Submitter()
        guard let contact else { return submitter }
        do {
            let sealed = try DubanJSON.decoder().decode(SealedContact.self, from: try cipher.open(contact, context: caseID.rawValue))
            submitter.name = sealed.name
            submitter.phone = sealed.phone
        } catch let error as PersonalDataError {
            throw ContactError(caseID: caseID, error: error)
        }
        return submitter
    }

    /// The ids of the keys the stored contacts are sealed with (a full scan: only when a key file is missing).
    static func contactKeyIDs(in db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT DISTINCT substr(contact, 4, 8) FROM case_record WHERE contact IS NOT NULL"))
    }

    /// Seals the contacts of the cases stored before intake sealed them, which migration `intake-v7-personal-data`
    /// listed in `contact_in_clear` (the migration has no key); drops the list when done. Returns how many it sealed.
    /// Intake runs it at every start and `intake personal-data` before its work; after the first time it finds no list.
    @discardableResult
    func sealContactsInClear() async throws -> Int {
        let cipher = cipher
        var sealed = 0
        while true {
            let batch = try await database.write { db -> Int? in
                guard try db.tableExists("contact_in_clear") else { return nil }
                // SQLite zeroes the space the clear rows leave (Debian's build does by default; others may not).
                try db.execute(sql: "PRAGMA secure_delete = ON")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT p.number, c.case_id, c.submitter, c.contact FROM contact_in_clear p
                    LEFT JOIN case_record c ON c.number = p.number ORDER BY p.number LIMIT ?
                    """, arguments: [Self.personalDataBatch])
                guard let last = rows.last else {
                    try db.drop(table: "contact_in_clear")
                    return nil
                }
                var count = 0
                let encoder = DubanJSON.encoder()
                for row in rows {
                    guard let caseID = (row["case_id"] as String?).map(CaseID.init(rawValue:)), row["contact"] as String? == nil,
                          let submitter = try? DubanJSON.decoder().decode(Submitter.self, from: row["submitter"] as Data),
                          submitter != submitter.withoutContact else { continue }
                    let columns = try Self.submitterColumns(submitter, caseID: caseID, cipher: cipher, encoder: encoder)
                    try db.execute(sql: "UPDATE case_record SET submitter = ?, contact = ? WHERE number = ?",
                                   arguments: [columns.enterprise, columns.contact, row["number"] as Int64])
                    count += 1
                }
                try db.execute(sql: "DELETE FROM contact_in_clear WHERE number <= ?", arguments: [last["number"] as Int64])
                return count
            }
            guard let batch else { break }
            sealed += batch
        }
        if sealed > 0 { try await checkpointAway() }
        return sealed
    }

    /// Reseals with the current key every contact sealed with a previous one, and records the rotation in the audit
    /// trail (`contact.reseal`, by `actor`, on `key:<id>`). Throws a ``ContactError`` naming the first case whose
    /// contact no given key opens, having resealed the ones before it.
    func resealContacts(actor: String) async throws -> Int {
        let cipher = cipher
        let current = cipher.current.id
        var after: Int64 = 0
        var resealed = 0
        while true {
            let start = after
            let batch = try await database.write { db -> (last: Int64, count: Int)? in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT number, case_id, contact FROM case_record
                    WHERE number > ? AND contact IS NOT NULL AND substr(contact, 4, 8) <> ? ORDER BY number LIMIT ?
                    """, arguments: [start, current, Self.personalDataBatch])
                guard let last = rows.last else { return nil }
                for row in rows {
                    let caseID: String = row["case_id"]
                    let contact: String
                    do { contact = try cipher.resealed(row["contact"], context: caseID) ?? row["contact"] } catch let error as PersonalDataError {
                        throw ContactError(caseID: CaseID(rawValue: caseID), error: error)
                    }
                    try db.execute(sql: "UPDATE case_record SET contact = ? WHERE number = ?", arguments: [contact, row["number"] as Int64])
                }
                return (last["number"], rows.count)
            }
            guard let batch else { break }
            after = batch.last
            resealed += batch.count
        }
        let now = clock.now()
        let count = resealed
        try await database.write { db in
            _ = try AuditTrail.append(actor: actor, action: "contact.reseal", subject: "key:\(current)", detail: "\(count) contacts", at: now, in: db)
        }
        if resealed > 0 { try await checkpointAway() }
        return resealed
    }

    /// How many contacts are sealed with each key, for the operator to see when a previous key can go.
    func contactsPerKey() async throws -> [(keyID: String, count: Int)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT substr(contact, 4, 8) AS key_id, COUNT(*) AS n FROM case_record WHERE contact IS NOT NULL
                GROUP BY key_id ORDER BY key_id
                """).map { row -> (keyID: String, count: Int) in (row["key_id"], row["n"]) }
        }
    }

    /// Copies the write-ahead log into the database and empties it, so the pages that held what was just replaced
    /// do not linger in `-wal`. Best effort: a reader in the middle of a long read makes SQLite answer busy, and the
    /// log is then emptied at a later checkpoint.
    func checkpointAway() async throws {
        _ = try? await database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}

/// A stored contact that no key of this intake opens; `code` is the cipher's stable code.
struct ContactError: Error, CustomStringConvertible {
    var caseID: CaseID
    var error: PersonalDataError

    var code: String { error.code }
    var description: String { "the contact of \(caseID) does not open: \(error)" }
}
