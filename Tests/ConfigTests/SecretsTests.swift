import Glibc
import Testing
@testable import Config

@Suite struct SecretsTests {
    @Test func acceptedAtModes0600And0400() throws {
        for mode: mode_t in [0o600, 0o400] {
            let folder = TempFolder()
            folder.write("secrets.conf", validSecrets, mode: mode)
            let loaded = try folder.load(productionConfig).get()
            #expect(loaded.secrets.whatsappAccessToken.revealed == "EAAtoken-value-one")
            #expect(loaded.secrets.hubspotAccessToken?.revealed == "pat-na1-value-four")
            #expect(loaded.box.secretsPath == folder.path + "/secrets.conf")
        }
    }

    @Test func refusedWhenGroupOrOthersCanRead() {
        let folder = TempFolder()
        folder.write("secrets.conf", validSecrets, mode: 0o644)
        #expect(folder.problems(productionConfig) == [
            "secrets.conf:1: secrets file is readable by group or others (mode 0644); run chmod 600 secrets.conf",
        ])
        folder.write("secrets.conf", validSecrets, mode: 0o640)
        #expect(folder.problems(productionConfig).first?.contains("(mode 0640)") == true)
    }

    @Test func missingFile() {
        #expect(TempFolder().problems(productionConfig) == ["secrets.conf:1: cannot read: No such file or directory"])
    }

    @Test func keyProblems() {
        let folder = TempFolder()
        folder.write("secrets.conf", """
            whatsapp_acces_token = abc
            whatsapp_app_secret = def
            whatsapp_app_secret = ghi
            whatsapp_verify_token =
            hubspot_access_token = "pat-quoted"

            """, mode: 0o600)
        #expect(folder.problems(productionConfig) == [
            "secrets.conf:1: unknown key 'whatsapp_acces_token' in the secrets file; did you mean 'whatsapp_access_token'?",
            "secrets.conf:1: missing required key 'whatsapp_access_token' in the secrets file",
            "secrets.conf:3: duplicate key 'whatsapp_app_secret' in the secrets file (first set on line 2)",
            "secrets.conf:4: empty value for 'whatsapp_verify_token' in the secrets file",
            "secrets.conf:5: the value of 'hubspot_access_token' is in quotes; write it without them (they would be part of the secret)",
        ])
    }

    @Test func sandboxRunsWithoutSecretsAndFillsMissingKeys() throws {
        let loaded = try TempFolder().load(sandboxConfig).get()
        #expect(loaded.secrets == Secrets.sandbox)
        let folder = TempFolder()
        folder.write("s.conf", "hubspot_access_token = pat-x\n", mode: 0o600)
        let named = try folder.load(sandboxConfig.replacingFirst("data_dir = data", with: "data_dir = data\nsecrets = s.conf")).get()
        #expect(named.secrets.hubspotAccessToken?.revealed == "pat-x")
        #expect(named.secrets.whatsappVerifyToken == Secrets.sandbox.whatsappVerifyToken)
    }

    @Test func secretValuesNeverAppearInProblems() {
        let marker = "S3CRET"
        let folder = TempFolder()
        folder.write("secrets.conf", """
            whatsapp_access_token = \(marker)-1
            \(marker)-2
            EAA\(marker)3xyz==
            [\(marker)-4]
            whatsapp_app_secret \(marker)-5
            whatsapp_verify_token = \(marker)-6
            whatsapp_verify_token = \(marker)-7
            = \(marker)-8
            hubspot_access_token = \(marker)\u{1}9
            \(marker)_token = 10
            hubspot_access_token = "\(marker)-11"
            """, mode: 0o600)
        let found = folder.problems(productionConfig)
        #expect(found.count >= 8)
        for problem in found { #expect(!problem.contains(marker), "\(problem)") }
        let secret = Secret("\(marker)-11")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        var dumped = ""
        dump(Secrets(whatsappAccessToken: secret, whatsappAppSecret: secret, whatsappVerifyToken: secret, hubspotAccessToken: secret), to: &dumped)
        #expect(!dumped.contains(marker))
    }

    @Test func constantTimeMatch() {
        let secret = Secret("verify-me")
        #expect(secret.matches("verify-me"))
        #expect(!secret.matches("verify-m"))
        #expect(!secret.matches("verify-me!"))
        #expect(!secret.matches(""))
    }
}
