import CallCore
import Runtime
import Testing
import WhatsApp
@testable import Callbox

/// The built-in sandbox plays a WhatsApp user who accepts permission requests, and its
/// `call_permissions` reports the grants it made, so the box's reconcile keeps them.
@Suite struct SandboxPermissionTests {
    @Test func aRequestIsAcceptedAndThenReportedByCallPermissions() throws {
        let loop = EventLoop()
        // Nothing listens there: the reply webhook fails, the grant stands.
        let sandbox = SandboxGraph(loop: loop, webhookURL: "http://127.0.0.1:9/webhook", appSecret: "secret",
                                   phoneNumberID: SandboxIdentity.phoneNumberID,
                                   businessNumber: SandboxIdentity.businessNumber)
        let client = GraphClient(transport: sandbox, baseURL: SandboxGraph.baseURL, accessToken: "sandbox-access-token")
        let number = BusinessNumber(graphVersion: "v24.0", phoneNumberID: SandboxIdentity.phoneNumberID)

        func permission() -> CallPermissionState? {
            var answer: CallPermissionState?
            client.callPermissions(.callPermissions(number, for: WhatsAppUser(phone: PhoneNumber("34600111222")!))) { answer = try? $0.get() }
            run(loop, until: { answer != nil })
            return answer
        }
        #expect(permission()?.status == .noPermission)
        var wamid: String?
        client.sendMessage(.callPermissionRequest(number, to: WhatsAppUser(phone: PhoneNumber("34600111222")!), bodyText: "May we call?")) { wamid = try? $0.get() }
        run(loop, until: { wamid != nil })
        #expect(wamid?.hasPrefix("wamid.SANDBOX") == true)
        let deadline = WallClock.milliseconds() + SandboxGraph.replyDelayMilliseconds + 500
        run(loop, until: { WallClock.milliseconds() > deadline })
        let granted = try #require(permission())
        #expect(granted.status == .temporary)
        let expiry = try #require(granted.expirationTime)
        #expect(abs(expiry - (WallClock.milliseconds() / 1_000 + SandboxGraph.grantSeconds)) <= 5)

        // `callbox simulate permission-reply` goes through the sandbox, which then reports it.
        sandbox.replyToPermissionRequest(from: "34600111222", accept: true, permanent: true, requestID: nil)
        #expect(permission()?.status == .permanent)
        sandbox.replyToPermissionRequest(from: "34600111222", accept: false, permanent: false, requestID: nil)
        #expect(permission()?.status == .noPermission)
    }

    private func run(_ loop: EventLoop, until done: () -> Bool) {
        let limit = WallClock.milliseconds() + 5_000
        while !done() && WallClock.milliseconds() < limit { loop.runOnce(maximumWait: 50) }
    }
}
