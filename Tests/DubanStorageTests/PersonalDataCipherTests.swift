import DubanStorage
import Foundation
import Testing

/// Personal data sealed at rest: it opens with the key that sealed it (current or previous), says clearly when it
/// cannot, and moves to a new key on rotation. Key files are made for their owner only.
@Suite struct PersonalDataCipherTests {
    static let contact = Data(#"{"name":"王小明","phone":"13812345678"}"#.utf8)

    @Test func aSealedValueOpensAgainAndShowsNothingInClear() throws {
        let cipher = PersonalDataCipher(current: .random())
        let sealed = try cipher.seal(Self.contact, context: "DB-20260101-000001")
        #expect(sealed.hasPrefix("v1:\(cipher.current.id):"))
        #expect(cipher.current.id.count == 8 && cipher.current.id.allSatisfy(\.isHexDigit))
        let payload = try #require(Data(base64Encoded: String(sealed.split(separator: ":")[2])))
        #expect(payload.count == 12 + Self.contact.count + 16, "nonce | ciphertext | tag")
        #expect(!sealed.contains("13812345678") && payload.range(of: Data("13812345678".utf8)) == nil)
        #expect(try cipher.open(sealed, context: "DB-20260101-000001") == Self.contact)
        // A fresh nonce each time: the same contact sealed twice does not give the same value.
        #expect(try cipher.seal(Self.contact, context: "DB-20260101-000001") != sealed)
    }

    @Test func anotherKeySaysWhichKeyItNeeds() throws {
        let sealed = try PersonalDataCipher(current: .random()).seal(Self.contact, context: "DB-1")
        let other = PersonalDataCipher(current: .random())
        let keyID = try #require(PersonalDataCipher.keyID(of: sealed))
        #expect(throws: PersonalDataError.unknownKey(keyID, known: [other.current.id])) { try other.open(sealed, context: "DB-1") }
        do { _ = try other.open(sealed, context: "DB-1") } catch let error as PersonalDataError {
            #expect(error.code == "personal_data_key_unknown")
            #expect("\(error)".contains(keyID) && "\(error)".contains("personal-data.previous-key-files"))
        }
    }

    @Test func aValueMovedToAnotherCaseOrAlteredDoesNotOpen() throws {
        let cipher = PersonalDataCipher(current: .random())
        let sealed = try cipher.seal(Self.contact, context: "DB-1")
        #expect(throws: PersonalDataError.undecryptable(cipher.current.id)) { try cipher.open(sealed, context: "DB-2") }
        var bytes = try #require(Data(base64Encoded: String(sealed.split(separator: ":")[2])))
        bytes[20] ^= 1
        let altered = "v1:\(cipher.current.id):\(bytes.base64EncodedString())"
        #expect(throws: PersonalDataError.undecryptable(cipher.current.id)) { try cipher.open(altered, context: "DB-1") }
        for garbage in ["", "13812345678", "v1:abc:xyz", "v2:\(cipher.current.id):AAAA", "v1:\(cipher.current.id):not base64!"] {
            #expect(throws: PersonalDataError.malformed) { try cipher.open(garbage, context: "DB-1") }
        }
        #expect(PersonalDataError.malformed.code == "personal_data_malformed")
        #expect(PersonalDataError.undecryptable("x").code == "personal_data_undecryptable")
    }

    @Test func aPreviousKeyStillOpensAndRotationReseals() throws {
        let old = PersonalDataCipher.Key.random(), new = PersonalDataCipher.Key.random()
        let sealedBefore = try PersonalDataCipher(current: old).seal(Self.contact, context: "DB-1")
        let rotating = PersonalDataCipher(current: new, previous: [old])
        #expect(rotating.keyIDs == [new.id, old.id])
        #expect(try rotating.open(sealedBefore, context: "DB-1") == Self.contact)
        #expect(rotating.isSealedWithPreviousKey(sealedBefore))

        let resealed = try #require(try rotating.resealed(sealedBefore, context: "DB-1"))
        #expect(PersonalDataCipher.keyID(of: resealed) == new.id)
        #expect(try rotating.resealed(resealed, context: "DB-1") == nil, "already under the current key")
        // After the rotation the new key alone opens it, and the old key alone no longer does.
        #expect(try PersonalDataCipher(current: new).open(resealed, context: "DB-1") == Self.contact)
        #expect(throws: PersonalDataError.unknownKey(new.id, known: [old.id])) { try PersonalDataCipher(current: old).open(resealed, context: "DB-1") }
    }

    @Test func aKeyFileIsMadeForItsOwnerOnlyAndNeverReplaced() throws {
        let directory = NSTemporaryDirectory() + "personal-data-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/personal-data.key"
        #expect(throws: PersonalDataError.missingKeyFile(path)) { try PersonalDataCipher.Key.load(path: path) }

        let created = try PersonalDataCipher.Key.create(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(attributes[.size] as? Int == 32)
        #expect(!PersonalDataCipher.Key.isExposed(path: path))
        #expect(try PersonalDataCipher.Key.load(path: path).id == created.id)
        #expect(throws: PersonalDataError.self) { try PersonalDataCipher.Key.create(path: path) }
        #expect(try PersonalDataCipher.Key.load(path: path).id == created.id, "the existing key is untouched")

        // The same key written as 64 hex digits (`openssl rand -hex 32`) is the same key.
        let hexPath = directory + "/hex.key"
        try Data((created.bytes.map { String(format: "%02x", $0) }.joined() + "\n").utf8).write(to: URL(fileURLWithPath: hexPath))
        #expect(try PersonalDataCipher.Key.load(path: hexPath).id == created.id)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: hexPath)
        #expect(PersonalDataCipher.Key.isExposed(path: hexPath))

        let shortPath = directory + "/short.key"
        try Data(repeating: 7, count: 16).write(to: URL(fileURLWithPath: shortPath))
        do { _ = try PersonalDataCipher.Key.load(path: shortPath); Issue.record("a 16-byte key loaded") } catch let error as PersonalDataError {
            #expect(error.code == "personal_data_key_invalid")
        }
    }
}
