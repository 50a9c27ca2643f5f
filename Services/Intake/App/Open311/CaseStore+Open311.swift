import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// Intake's cases as Open311 service requests, and Open311 status updates as Duban updates.
extension CaseStore {
    struct Open311Filter {
        var serviceCodes: [String]?
        var statuses: Set<String>?
        var start = Date.distantPast
        var end = Date.distantFuture
    }

    struct Open311Item {
        var value: Open311Value
    }

    /// At most this many requests or updates in one answer (the spec's default window).
    static let open311Limit = 1_000

    private static let requestColumns = """
        c.case_id, c.title, c.description, c.status, c.category, c.routed_category, c.bureau, c.bureau_name, c.deadline,
        c.submitted_at, c.updated_at, c.location, c.service_code, c.media_url,
        (SELECT note FROM case_update u WHERE u.case_id = c.case_id AND u.note IS NOT NULL ORDER BY u.update_id DESC LIMIT 1) AS status_notes
        """

    func open311Requests(ids: [String], in catalog: Open311Catalog) async throws -> [Open311Item] {
        let ids = Array(ids.prefix(Self.open311Limit))
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.requestColumns) FROM case_record c WHERE c.case_id IN (\(databaseQuestionMarks(count: ids.count)))",
                             arguments: StatementArguments(ids)).map { Self.request($0, catalog: catalog) }
        }
    }

    func open311Requests(_ filter: Open311Filter, in catalog: Open311Catalog) async throws -> [Open311Item] {
        var clauses = ["c.submitted_at >= ?", "c.submitted_at <= ?"]
        var arguments: [DatabaseValue] = [filter.start.timeIntervalSince1970.databaseValue, filter.end.timeIntervalSince1970.databaseValue]
        if let statuses = filter.statuses, statuses.count == 1 {
            clauses.append(statuses.contains("closed") ? "c.status IN ('resolved', 'closed')" : "c.status NOT IN ('resolved', 'closed')")
        }
        if let codes = filter.serviceCodes {
            let categories = codes.compactMap { catalog.service(code: $0)?.category }
            clauses.append("""
                (c.service_code IN (\(databaseQuestionMarks(count: codes.count))) OR (c.service_code IS NULL AND \
                coalesce(c.routed_category, c.category) IN (\(databaseQuestionMarks(count: max(categories.count, 1))))))
                """)
            arguments += codes.map(\.databaseValue)
            arguments += (categories.isEmpty ? [""] : categories).map(\.databaseValue)
        }
        let sql = "SELECT \(Self.requestColumns) FROM case_record c WHERE \(clauses.joined(separator: " AND ")) ORDER BY c.number DESC LIMIT \(Self.open311Limit)"
        let statementArguments = StatementArguments(arguments)
        return try await database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { Self.request($0, catalog: catalog) }
        }
    }

    private static func request(_ row: Row, catalog: Open311Catalog) -> Open311Item {
        let category: String? = row["routed_category"] ?? row["category"]
        let storedCode: String? = row["service_code"]
        let code: String? = storedCode ?? category.flatMap(catalog.code(forCategory:))
        let serviceName: String? = code.flatMap { catalog.service(code: $0)?.name } ?? category
        let status: String = row["status"]
        let location: Location? = (row["location"] as Data?).flatMap { try? DubanJSON.decoder().decode(Location.self, from: $0) }
        let submitted = Date(timeIntervalSince1970: row["submitted_at"])
        let updatedAt: Double? = row["updated_at"]
        let deadline: Double? = row["deadline"]
        let agency: String? = row["bureau_name"] ?? row["bureau"]
        var fields: [(String, Open311Value)] = []
        fields.append(("service_request_id", .text(row["case_id"])))
        fields.append(("status", .text(status == "resolved" || status == "closed" ? "closed" : "open")))
        // Open311's reads need no key: free text is masked as on the public results page.
        fields.append(("status_notes", .text(PersonalDataMask.mask(row["status_notes"]))))
        fields.append(("service_name", .text(serviceName)))
        fields.append(("service_code", .text(code)))
        fields.append(("description", .text(PersonalDataMask.mask(row["description"]))))
        fields.append(("agency_responsible", .text(agency)))
        fields.append(("service_notice", .text(nil)))
        fields.append(("requested_datetime", .text(Open311Time.format(submitted))))
        fields.append(("updated_datetime", .text(Open311Time.format(updatedAt.map(Date.init(timeIntervalSince1970:)) ?? submitted))))
        fields.append(("expected_datetime", .text(deadline.map { Open311Time.format(Date(timeIntervalSince1970: $0)) })))
        fields.append(("address", .text(location?.address)))
        fields.append(("address_id", .text(nil)))
        fields.append(("zipcode", .text(nil)))
        fields.append(("lat", .number(location?.latitude)))
        fields.append(("long", .number(location?.longitude)))
        fields.append(("media_url", .text(row["media_url"])))
        return Open311Item(value: .object(fields))
    }

    func open311Updates(from start: Date, to end: Date) async throws -> [Open311Item] {
        try await database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT update_id, case_id, status, note, at, open311_status, reported_at FROM case_update
                WHERE at >= ? AND at <= ? ORDER BY update_id LIMIT ?
                """, arguments: [start.timeIntervalSince1970, end.timeIntervalSince1970, Self.open311Limit]).map { row in
                // What a bureau's system pushed is reported back as it pushed it: its status and its time. The period
                // filters on when intake received the update, so a poller never misses one pushed with an older time.
                let pushedStatus: String? = row["open311_status"]
                let pushedAt: Double? = row["reported_at"]
                let reportedAt: Double = pushedAt ?? row["at"]
                return Open311Item(value: .object([
                    ("update_id", .text(String(row["update_id"] as Int64))),
                    ("service_request_id", .text(row["case_id"])),
                    ("status", .text(pushedStatus ?? Self.open311Status(CaseStatus(rawValue: row["status"]) ?? .submitted))),
                    ("updated_datetime", .text(Open311Time.format(Date(timeIntervalSince1970: reportedAt)))),
                    ("description", .text(PersonalDataMask.mask(row["note"]))),
                    ("media_url", .text(nil)),
                ]))
            }
        }
    }

    /// FixMyStreet's extended states, from Duban's (for updates made through Duban's own API; a pushed update keeps
    /// the status its bureau pushed).
    static func open311Status(_ status: CaseStatus) -> String {
        switch status {
        case .submitted, .assigned, .triage: "open"
        case .signed: "action_scheduled"
        case .inProgress: "in_progress"
        case .resolved: "fixed"
        case .closed: "closed"
        case .reopened: "reopen"
        case .returned: "not_councils_responsibility"
        }
    }

    /// A status pushed by a bureau's system, applied as the Duban update it means; a resent `update_id` returns the
    /// update it already made. `status` is the extension's lowercase value; `reportedAt` the bureau's own
    /// `updated_datetime` (nil: the time intake received it). Both are kept to be reported back unchanged.
    func open311Update(_ id: CaseID, status: String, note: String?, externalID: String?, reportedAt: Date?,
                       key: APIKeys.Key) async throws -> Int64 {
        let now = clock.now()
        return try await writer.write { db in
            if let externalID, let existing = try Int64.fetchOne(db, sql: "SELECT update_id FROM case_update WHERE actor = ? AND external_id = ?",
                                                                 arguments: [key.name, externalID]) {
                return existing
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT status, returns, routings, latest_triage FROM case_record WHERE case_id = ?",
                                             arguments: [id.rawValue]) else {
                throw Open311Error(.notFound, "request_not_found", "no service request \(id)")
            }
            let current = CaseStatus.effective(intakeStatus: CaseStatus(rawValue: row["status"]) ?? .submitted, returns: row["returns"],
                                               routings: row["routings"], latestIsTriage: row["latest_triage"])
            let action: CaseAction
            switch status {
            case "fixed", "closed", "no_further_action", "duplicate": action = .resolve
            case "open", "in_progress", "investigating", "action_scheduled":
                action = current == .assigned || current == .reopened ? .sign : .progress
            case "not_councils_responsibility", "internal_referral": action = .return
            case "reopen": action = .reject
            default:
                throw Open311Error(.badRequest, "invalid_status",
                                   "status is one of open, in_progress, investigating, action_scheduled, fixed, closed, no_further_action, duplicate, not_councils_responsibility, internal_referral, reopen")
            }
            var request = CaseUpdateRequest(action: action.rawValue)
            request.note = note ?? "Open311: \(status)"
            do {
                let updateID = try applyUpdate(id, action: action, request: request, key: key, externalID: externalID, at: now, in: db).updateID
                try db.execute(sql: "UPDATE case_update SET open311_status = ?, reported_at = ? WHERE update_id = ?",
                               arguments: [status, reportedAt?.timeIntervalSince1970, updateID])
                return updateID
            } catch let error as APIError where error.status == .conflict {
                throw Open311Error(.badRequest, error.code, error.message)
            }
        }
    }
}
