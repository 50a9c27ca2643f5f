import ArgumentParser
import DubanIdentity
import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// Intake: the front door. Validates a problem, stores it, and announces it, all in one transaction.
public enum Intake: DubanService {
    public static let descriptor = ServiceDescriptor.intake
    public static var commands: [any ParsableCommand.Type] { [KeysCommand.self, ImportCommand.self, AccountsCommand.self, PersonalDataCommand.self, MeetingsCommand.self] }

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v1") { db in
            try db.create(table: "case_record") { t in
                t.column("number", .integer).primaryKey(autoincrement: true)
                t.column("case_id", .text).notNull().unique()
                t.column("title", .text).notNull()
                t.column("description", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("submitter", .blob).notNull()
                t.column("category", .text)
                t.column("location", .blob)
                t.column("status", .text).notNull()
                t.column("submitted_at", .double).notNull()
            }
        }
        migrator.registerMigration("intake-v2-updates") { db in
            try db.alter(table: "case_record") { t in
                t.add(column: "bureau", .text)  // routing's latest decision: who may act on the case
                t.add(column: "routings", .integer).notNull().defaults(to: 0)
                t.add(column: "returns", .integer).notNull().defaults(to: 0)
                t.add(column: "latest_triage", .boolean).notNull().defaults(to: false)
                t.add(column: "pending_extension_days", .integer)
            }
        }
        APIKeys.registerMigrations(in: &migrator)
        migrator.registerMigration("intake-v3-idempotency") { db in
            try db.create(table: "idempotency") { t in
                t.column("key", .text).primaryKey()
                t.column("request_hash", .text).notNull()
                t.column("case_id", .text).notNull()
                t.column("created_at", .double).notNull()
            }
        }
        migrator.registerMigration("intake-v4-open311") { db in
            // What Open311 answers about a request: routing's decision as intake learns it, and every update.
            try db.alter(table: "case_record") { t in
                t.add(column: "routed_category", .text)
                t.add(column: "bureau_name", .text)
                t.add(column: "deadline", .double)
                t.add(column: "updated_at", .double)
                t.add(column: "service_code", .text)
                t.add(column: "media_url", .text)
                t.add(column: "source", .text)
            }
            try db.create(index: "case_record_submitted_at", on: "case_record", columns: ["submitted_at"])
            try db.create(table: "case_update") { t in
                t.autoIncrementedPrimaryKey("update_id")
                t.column("case_id", .text).notNull().indexed()
                t.column("external_id", .text)
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("status", .text).notNull()
                t.column("note", .text)
                t.column("at", .double).notNull().indexed()
                t.uniqueKey(["actor", "external_id"])
            }
        }
        migrator.registerMigration("intake-v5-open311-pushed") { db in
            // What a bureau's system pushed through `POST servicerequestupdates`, reported back unchanged by GET:
            // its status (the extension's lowercase value) and its own `updated_datetime` (seconds since 1970).
            try db.alter(table: "case_update") { t in
                t.add(column: "open311_status", .text)
                t.add(column: "reported_at", .double)
            }
        }
        migrator.registerMigration("intake-v6-audit") { db in
            // Who did what: key administration, every view of a submitter's contact, every update to a case
            // (docs/ARCHITECTURE.md, "Audit trail").
            try AuditTrail.createTables(db)
        }
        migrator.registerMigration("intake-v7-personal-data") { db in
            // The submitter's name and phone are sealed (AES-GCM, `PersonalDataCipher`) into `contact`; `submitter`
            // keeps the enterprise (CaseStore+PersonalData.swift). The rows stored in clear before are sealed at
            // intake's next start, after the migrations, not here: the key comes from the deployment's settings
            // (`personal-data.key-file`), which migrations do not see, and migrations also run for commands that have
            // no business creating a key (`intake keys list`). So this lists those rows in `contact_in_clear`, and
            // `CaseStore.sealContactsInClear` seals them in batches and drops the list (`personal-data` commands too).
            // Until then they are readable as before. Their `case.submitted` events lost the name and phone in
            // `messaging-v3-no-submitter-contact`.
            try db.alter(table: "case_record") { t in t.add(column: "contact", .text) }
            try db.create(table: "contact_in_clear") { t in t.primaryKey("number", .integer) }
            try db.execute(sql: "INSERT INTO contact_in_clear (number) SELECT number FROM case_record")
            // Retention looks only at closed cases that still have a contact: a partial index, which submissions
            // (never closed) do not touch.
            try db.execute(sql: "CREATE INDEX case_record_closed_contact ON case_record (number) WHERE status = 'closed' AND contact IS NOT NULL")
        }
        Account.registerMigrations(in: &migrator)
        migrator.registerMigration("intake-v9-bureau-proposal") { db in
            // A clerk's return or extension proposal waiting for the bureau head (BureauProposal).
            try db.alter(table: "case_record") { t in t.add(column: "bureau_proposal", .text) }
        }
        migrator.registerMigration("intake-v10-curve-client-keys") { db in
            // A key's CURVE public key, for systems that connect to the ZeroMQ ingress with CURVE (APIKeys).
            try APIKeys.addCurvePublicKeys(db)
        }
        MeetingsSchema.register(in: &migrator)
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let personalData = try PersonalDataSettings(context.settings)
        let cipher = try personalData.cipher(database: context.database.writer) { context.logger.notice("\($0)") }
        let store = CaseStore(database: context.database.writer, events: context.events, clock: context.clock, cipher: cipher)
        let sealed = try await store.sealContactsInClear()
        if sealed > 0 { context.logger.notice("sealed the contacts stored in clear before", metadata: ["count": "\(sealed)"]) }
        let retention = ContactRetention(store: store, retainDays: personalData.retainDays, logger: context.logger)
        let manualTime = context.manualTime
        let maxBody = context.settings.reader.int(forKey: "intake.max-body-bytes", default: 64 * 1024)
        let identitySettings = IdentitySettings(settings: context.settings)
        let tokens = try TokenKeys(signingKeyFile: identitySettings.signingKeyFile)
        let registry = PeopleRegistry(database: context.database.writer, settings: identitySettings, tokens: tokens)
        let revocations = RevocationList()
        let revocationFeed = RevocationFeed(list: revocations, keepSeconds: 2 * identitySettings.tokenSeconds + 60,
                                            logger: context.logger) { after in try await registry.revocations(after: after) }
        var personKeys = APIKeys(database: context.database.writer)
        personKeys.people = { token in
            guard let claims = try await tokens.verify(token), claims.exp.value > Date(), claims.stage == .full,
                  !revocations.revokes(claims) else { return nil }
            return APIKeys.Key(name: claims.login, scopes: claims.principal.scopes, person: true,
                               liaisonArea: claims.principal.roles.contains(.liaison) ? claims.principal.unit ?? "" : nil,
                               displayName: claims.name)
        }
        let keys = personKeys
        let maxImport = context.settings.reader.int(forKey: "intake.max-import-bytes", default: 8 * 1024 * 1024)
        /// The body, within the size limit, as JSON.
        @Sendable func jsonBody(_ request: Request) async throws -> Data {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send application/json")
            }
            do { return Data(buffer: try await request.body.collect(upTo: maxBody)) } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", "the body is larger than \(maxBody) bytes")
            }
        }
        let database = context.database.writer
        let configDirectory = context.settings.reader.string(forKey: "routing.config-dir", default: "deploy/config")
        let catalog = try Open311Catalog.load(path: (configDirectory as NSString).appendingPathComponent("routing.yaml"))
        let categories = try CategoryNames.load(path: (configDirectory as NSString).appendingPathComponent("routing.yaml"))
        let knownBureaus = (try? RoutingBureaus.ids(path: (configDirectory as NSString).appendingPathComponent("routing.yaml"))).map(Set.init)
        let identityRoutes = IdentityRoutes(registry: registry, revocations: revocations, keys: keys, knownBureaus: knownBureaus,
                                            jsonBody: jsonBody)
        let open311 = Open311API(catalog: catalog, store: store, keys: keys, maxBody: maxBody)
        // A working calendar only picks a new session's default day: without calendar.yaml every day is one.
        let calendar = try? CalendarFile.load(path: (configDirectory as NSString).appendingPathComponent("calendar.yaml"))
        let meetingsConfiguration = try MeetingsConfiguration.load(directory: configDirectory)
        let meetings = MeetingBook(database: database, events: context.events, clock: context.clock, store: store, calendar: calendar,
                                   knownBureaus: knownBureaus)
        let meetingRoutes = MeetingRoutes(meetings: meetings,
                                          topics: TopicBook(database: database, events: context.events, clock: context.clock,
                                                            configuration: meetingsConfiguration),
                                          keys: keys, jsonBody: jsonBody)
        let ingressBind = context.settings.reader.string(forKey: "ingress.bind", default: "tcp://127.0.0.1:5590")
        // `ingress.plaintext`: unset, plaintext on a loopback bind and CURVE elsewhere; true refuses any bind but
        // loopback; false is CURVE everywhere. A CURVE client is admitted while its public key belongs to a live key.
        let ingressSecurity = try context.clientSecurity(plaintextSetting: "ingress.plaintext", endpoints: [ingressBind],
                                                         what: "the ZeroMQ ingress") { [keys, logger = context.logger] publicKey in
            do { return try keys.curveClient(publicKey: publicKey) } catch {
                logger.error("could not look up a CURVE client's key; refused", metadata: ["error": "\(error)"])
                return nil
            }
        }
        let ingress = IngressServer(endpoint: ingressBind, security: ingressSecurity, store: store, keys: keys, context: context.zmq,
                                    logger: context.logger)
        // With `personal-data.retain-days` 0 contacts are kept forever: no retention worker at all.
        let workers: [any Service] = (personalData.retainDays > 0 ? [ingress, retention] : [ingress]) + [revocationFeed]
        return ServiceParts(routes: { router in
            router.get("/openapi.json") { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
            }
            router.post("/v1/cases") { request, _ -> JSONResponse<SubmittedCase> in
                let submitter = try await keys.authenticate(request, scope: "submit")
                let body = try await jsonBody(request)
                var draft = try CaseSubmission.parse(body)
                if let area = submitter.liaisonArea {
                    // A liaison officer submits for the residents of their area: the case says so, whatever the body did.
                    draft.liaison = submitter.name
                    draft.area = area.isEmpty ? nil : area
                    draft.channel = .liaison
                }
                let key = request.headers[idempotencyKeyHeader]
                if let key, key.isEmpty || key.count > 200 {
                    throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key has 1 to 200 characters")
                }
                // The request's fingerprint matters only when a key asks for idempotency.
                return JSONResponse(try await store.submit(draft, idempotencyKey: key, requestHash: key == nil ? "" : try requestHash(draft),
                                                           actor: submitter.name), status: .created)
            }
            router.post("/v1/cases/{id}/updates") { request, context -> JSONResponse<UpdatedCase> in
                let key = try await keys.authenticate(request)
                let id = CaseID(rawValue: try context.parameters.require("id"))
                let (action, update) = try CaseUpdateRequest.parse(try await jsonBody(request))
                return JSONResponse(try await store.update(id, action: action, request: update, key: key))
            }
            router.get("/v1/cases/{id}/contact") { request, context -> JSONResponse<CaseContact> in
                let key = try await keys.authenticate(request)
                return JSONResponse(try await store.contact(CaseID(rawValue: try context.parameters.require("id")), key: key))
            }
            router.get("/v1/keys/self") { request, _ -> JSONResponse<KeyIdentity> in
                let key = try await keys.authenticate(request)
                return JSONResponse(KeyIdentity(name: key.name, scopes: key.scopes.sorted()))
            }
            router.post("/v1/imports") { request, _ -> JSONResponse<CSVImport.Report> in
                // A session's minutes are the meetings scope's, as recording into it is; any other list needs `submit`.
                let key = try await keys.authenticate(request, scope: request.uri.queryParameters["session"] == nil ? "submit" : "meetings")
                // The type first, so a wrong one is refused before its body is read.
                let kind = try ImportUpload.kind(of: request.headers[.contentType])
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: maxImport) } catch {
                    throw APIError(.contentTooLarge, code: "body_too_large", "the file is larger than \(maxImport) bytes")
                }
                let data = try ImportUpload.file(kind, body: body)
                var importer = CSVImport(store: store, source: key.name, categories: categories)
                if let area = key.liaisonArea { importer.liaison = (key.name, area.isEmpty ? nil : area) }
                if let session = request.uri.queryParameters["session"].map(String.init) {
                    importer.session = try await meetings.session(session)
                    try MeetingBook.requireHeld(importer.session!)
                }
                return JSONResponse(try await importer.run(data))
            }
            open311.register(on: router)
            meetingRoutes.register(on: router)
            identityRoutes.register(on: router)
            router.post("/test/time") { request, _ -> JSONResponse<[String: Int]> in
                // Tests only (`testing.time-control`): moves intake's clock and runs retention at once.
                guard let manualTime else {
                    throw APIError(.forbidden, code: "time_control_disabled", "this service runs on real time (testing.time-control is off)")
                }
                struct Body: Decodable { var now: Date }
                guard let body = try? DubanJSON.decoder().decode(Body.self, from: Data(buffer: try await request.body.collect(upTo: 1_024))) else {
                    throw APIError.badRequest("invalid_time", "send {\"now\": \"2026-10-08T09:00:00Z\"}")
                }
                manualTime.set(body.now)
                return JSONResponse(["anonymised": try await retention.anonymise()])
            }
        }, onEvent: { db, event in
            guard case .caseRouted(let routed) = event.payload else { return }
            try CaseStore.applyRouted(event, routed, in: db)
        }, services: workers, health: {
            let count = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM case_record") ?? 0 }
            return ["cases": String(count)]
        })
    }
}

/// The header that makes `POST /v1/cases` idempotent.
let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!

/// What identifies a request for idempotency: the validated case in canonical JSON, so the same case sent with its
/// fields in another order or other spacing is the same request.
func requestHash(_ draft: CaseDraft) throws -> String {
    APIKeys.hash(String(decoding: try DubanJSON.encoder().encode(draft), as: UTF8.self))
}

/// What `POST /v1/cases` answers.
public struct SubmittedCase: Codable, Sendable {
    public var id: CaseID
    public var status: CaseStatus
    public var submittedAt: Date
}

/// `GET /v1/keys/self`: who a key is and what it may do (the dashboard's workbench signs in with it).
struct KeyIdentity: Codable, Sendable {
    var name: String
    var scopes: [String]
}
