import ArgumentParser
import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation

/// `intake accounts bootstrap|create|disable|enable|reset-password|grant|revoke|totp|list`: people's accounts, from
/// the host. Each act is in the audit trail as `operator:<user>`. Passwords and second-factor secrets are printed once
/// and stored only hashed (passwords) or in intake's database (secrets).
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage people's accounts: create, disable, reset passwords, grant roles.",
        subcommands: [Bootstrap.self, Create.self, Disable.self, Enable.self, ResetPassword.self, Grant.self, Revoke.self, TOTPReset.self,
                      List.self])

    /// Opens the registry the way the running service does (same settings, same signing key).
    static func registry(_ options: ConfigurationOptions) async throws -> (PeopleRegistry, Set<String>?) {
        let settings = try await options.settings(for: Intake.descriptor)
        let database = try ServiceApplication.openDatabase(Intake.self, settings: settings)
        let identity = IdentitySettings(settings: settings)
        let registry = PeopleRegistry(database: database.writer, settings: identity, tokens: try TokenKeys(signingKeyFile: identity.signingKeyFile))
        let routingFile = (settings.reader.string(forKey: "routing.config-dir", default: "deploy/config") as NSString)
            .appendingPathComponent("routing.yaml")
        return (registry, (try? RoutingBureaus.ids(path: routingFile)).map(Set.init))
    }

    /// Runs an act, turning the API's refusals into the command's.
    static func act<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as APIError { throw ValidationError("\(error.code): \(error.message)") }
    }

    static func printCreated(_ created: PeopleRegistry.Created) {
        print("login:              \(created.login)")
        print("temporary password: \(created.temporaryPassword)   (shown once; it must be changed at the first sign-in)")
        if let totp = created.totp { printTOTP(totp) }
    }

    static func printTOTP(_ totp: PeopleRegistry.TOTPSetup) {
        print("one-time codes:     add this to an authenticator app (shown once):")
        print("  \(totp.uri)")
    }

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the first administrator of a new deployment (only while there is no account).")
        @Option(help: "Its login name.") var login = "admin"
        @Flag(help: "Say nothing and succeed when accounts exist already (for start-up scripts).") var ifNone = false
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            do {
                let created = try await registry.bootstrap(login: login, actor: AuditActor.operatorOnThisHost)
                print("The first administrator (system and security administration; hand each to its own person later):")
                AccountsCommand.printCreated(created)
            } catch let error as APIError where error.code == "accounts_exist" && ifNone {
                return
            } catch let error as APIError {
                throw ValidationError("\(error.code): \(error.message)")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; its temporary password is printed once.")
        @Option(help: "Login name: a-z, 0-9, '.', '_', '-'.") var login: String
        @Option(help: "The name pages show, e.g. 张伟.") var name: String
        @Option(help: "The bureau id (clerks and heads) or the office.") var unit: String?
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")); repeat for several.") var role: [String] = []
        @Option(help: "Phone number (optional).") var phone: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let roles = try AccountsCommand.roles(role)
            let (registry, bureaus) = try await AccountsCommand.registry(options)
            AccountsCommand.printCreated(try await AccountsCommand.act {
                try await registry.createAccount(login: login, displayName: name, unit: unit, roles: roles, phone: phone,
                                                 actor: AuditActor.operatorOnThisHost, knownBureaus: bureaus)
            })
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account; its sessions end everywhere within seconds.")
        @Option var login: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            try await AccountsCommand.act { try await registry.setDisabled(login, disabled: true, actor: AuditActor.operatorOnThisHost) }
            print("disabled \(login)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Option var login: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            try await AccountsCommand.act { try await registry.setDisabled(login, disabled: false, actor: AuditActor.operatorOnThisHost) }
            print("enabled \(login)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Give a new temporary password (printed once) and end the account's sessions.")
        @Option var login: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            AccountsCommand.printCreated(try await AccountsCommand.act {
                try await registry.resetPassword(login, actor: AuditActor.operatorOnThisHost)
            })
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant roles (and set the unit).")
        @Option var login: String
        @Option(help: "A role; repeat for several.") var role: [String]
        @Option(help: "The bureau id for clerks and heads.") var unit: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let roles = try AccountsCommand.roles(role)
            let (registry, bureaus) = try await AccountsCommand.registry(options)
            let setup = try await AccountsCommand.act {
                try await registry.changeRoles(login, grant: roles, revoke: [], unit: unit, actor: AuditActor.operatorOnThisHost,
                                               knownBureaus: bureaus)
            }
            print("granted \(roles.sorted().map(\.rawValue).joined(separator: " ")) to \(login)")
            if let setup { AccountsCommand.printTOTP(setup) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke roles.")
        @Option var login: String
        @Option(help: "A role; repeat for several.") var role: [String]
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let roles = try AccountsCommand.roles(role)
            let (registry, bureaus) = try await AccountsCommand.registry(options)
            _ = try await AccountsCommand.act {
                try await registry.changeRoles(login, grant: [], revoke: roles, unit: nil, actor: AuditActor.operatorOnThisHost,
                                               knownBureaus: bureaus)
            }
            print("revoked \(roles.sorted().map(\.rawValue).joined(separator: " ")) from \(login)")
        }
    }

    struct TOTPReset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "totp", abstract: "Set up a new second factor (printed once).")
        @Option var login: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            AccountsCommand.printTOTP(try await AccountsCommand.act { try await registry.resetTOTP(login, actor: AuditActor.operatorOnThisHost) })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts, their units and roles.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let (registry, _) = try await AccountsCommand.registry(options)
            for account in try await registry.list() {
                let flags = [account.disabled ? "disabled" : nil, account.locked ? "locked" : nil,
                             account.secondFactor ? "totp" : nil, account.mustChangePassword ? "must-change-password" : nil]
                    .compactMap { $0 }.joined(separator: ",")
                print([account.login, account.displayName, account.unit ?? "-", account.roles.map(\.rawValue).joined(separator: " "), flags]
                    .joined(separator: "\t"))
            }
        }
    }

    static func roles(_ names: [String]) throws -> Set<Role> {
        Set(try names.map { name in
            guard let role = Role(rawValue: name) else {
                throw ValidationError("unknown role '\(name)': \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        })
    }
}
