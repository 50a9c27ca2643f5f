import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// Intake's settings for the submitters' personal data (docs/ARCHITECTURE.md, "Personal data").
struct PersonalDataSettings: Sendable {
    /// `personal-data.key-file` (`PERSONAL_DATA_KEY_FILE`, `--personal-data-key-file`): the AES-256 key that seals the
    /// submitters' names and phones, 32 bytes (or 64 hex digits). Created with mode 0600 and 32 random bytes at the
    /// first start when absent. Default `<data.dir>/personal-data.key`.
    var keyFile: String
    /// `personal-data.previous-key-files` (`PERSONAL_DATA_PREVIOUS_KEY_FILES`): comma-separated key files that still
    /// open what they sealed, during a rotation, until `intake personal-data rotate` has resealed everything with the
    /// current key. Default none.
    var previousKeyFiles: [String]
    /// `personal-data.retain-days` (`PERSONAL_DATA_RETAIN_DAYS`): how many days after a case is closed its submitter's
    /// name and phone are kept; then intake erases them (hourly, and `intake personal-data anonymise`). 0 keeps them
    /// forever. Default 365.
    var retainDays: Int

    init(_ settings: ServiceSettings) throws {
        let reader = settings.reader
        keyFile = reader.string(forKey: "personal-data.key-file",
                                default: (settings.dataDirectory as NSString).appendingPathComponent("personal-data.key"))
        previousKeyFiles = reader.string(forKey: "personal-data.previous-key-files", default: "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        retainDays = reader.int(forKey: "personal-data.retain-days", default: 365)
        guard retainDays >= 0 else {
            throw SettingError(description: "personal-data.retain-days is a number of days, 0 or more (0 keeps contacts forever)")
        }
    }

    /// The cipher: the current key, and the previous keys that still open. A missing key file is created, except when
    /// the database holds contacts sealed with a key that no given file has: the key file was then lost or is not
    /// where the settings say, and a new key would not open them, so nothing is created and this throws. `note`
    /// hears what an operator should know (a key created, a key file others may read); never the key itself.
    func cipher(database: DatabasePool, note: (String) -> Void) throws -> PersonalDataCipher {
        let previous = try previousKeyFiles.map { try PersonalDataCipher.Key.load(path: $0) }
        let current: PersonalDataCipher.Key
        if FileManager.default.fileExists(atPath: keyFile) {
            current = try PersonalDataCipher.Key.load(path: keyFile)
        } else {
            let sealedWith = try database.read { try CaseStore.contactKeyIDs(in: $0) }
            if let orphan = sealedWith.subtracting(previous.map(\.id)).sorted().first {
                throw PersonalDataError.missingKeyFile(
                    "\(keyFile), and contacts are sealed with key \(orphan); restore that key file (or name it in "
                        + "personal-data.key-file or personal-data.previous-key-files) before intake starts")
            }
            current = try PersonalDataCipher.Key.create(path: keyFile)
            note("created the personal-data key \(current.id) at \(keyFile) (mode 0600); keep a copy with the backups, apart from them")
        }
        for path in [keyFile] + previousKeyFiles where PersonalDataCipher.Key.isExposed(path: path) {
            note("the personal-data key file \(path) can be read by other users than its owner; chmod 600 it")
        }
        return PersonalDataCipher(current: current, previous: previous)
    }
}

/// A setting with a value intake cannot use.
struct SettingError: Error, CustomStringConvertible {
    var description: String
}
