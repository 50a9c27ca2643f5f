import ArgumentParser
import DubanMessaging
import DubanRuntime
import DubanStorage
import Foundation
import Logging

/// `intake personal-data rotate|anonymise`: the submitters' sealed names and phones (docs/ARCHITECTURE.md,
/// "Personal data"). Both work on the database beside a running intake; both are in the audit trail.
struct PersonalDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personal-data", abstract: "Reseal the submitters' contacts with the current key, or erase them after retention.",
        subcommands: [Rotate.self, Anonymise.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reseal every contact with the current key (personal-data.key-file); previous keys must still be given.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (store, _) = try await PersonalDataCommand.open(options)
            let resealed: Int
            do { resealed = try await store.resealContacts(actor: AuditActor.operatorOnThisHost) } catch let error as ContactError {
                throw PersonalDataCommand.failure("\(error)")
            }
            print("resealed \(resealed) contacts with key \(store.cipher.current.id)")
            let perKey = try await store.contactsPerKey()
            for (keyID, count) in perKey { print("\(keyID)\t\(count) contacts") }
            if perKey.allSatisfy({ $0.keyID == store.cipher.current.id }) {
                print("every contact is sealed with the current key: previous key files may leave personal-data.previous-key-files "
                      + "(keep them as long as the backups made before now)")
            }
        }
    }

    struct Anonymise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase the names and phones of cases closed more than personal-data.retain-days ago (what intake does hourly).")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (store, settings) = try await PersonalDataCommand.open(options)
            guard settings.retainDays > 0 else {
                print("personal-data.retain-days is 0: contacts are kept forever; nothing erased")
                return
            }
            let retention = ContactRetention(store: store, retainDays: settings.retainDays, logger: .init(label: "duban.intake.retention"))
            let erased = try await retention.anonymise(actor: AuditActor.operatorOnThisHost)
            print("erased the contacts of \(erased) cases closed more than \(settings.retainDays) days ago")
        }
    }

    /// The store with its cipher, contacts still in clear sealed first; the key's notes go to stderr.
    static func open(_ options: ConfigurationOptions) async throws -> (CaseStore, PersonalDataSettings) {
        let settings = try await options.settings(for: Intake.descriptor)
        let personalData = try PersonalDataSettings(settings)
        let database = try ServiceApplication.openDatabase(Intake.self, settings: settings)
        let cipher: PersonalDataCipher
        do {
            cipher = try personalData.cipher(database: database.writer) { FileHandle.standardError.write(Data("intake: \($0)\n".utf8)) }
        } catch let error as PersonalDataError {
            throw failure("\(error)")
        }
        let store = CaseStore(database: database.writer, events: EventLog(producer: Intake.descriptor.name), clock: .system, cipher: cipher)
        try await store.sealContactsInClear()
        return (store, personalData)
    }

    /// A failure for the operator: the message on stderr, exit status 1.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("intake personal-data: \(message)\n".utf8))
        return ExitCode(1)
    }
}
