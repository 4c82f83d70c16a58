import Runtime

/// How CRM requests leave the box: libcurl on the event loop in production, a scripted
/// double in unit tests.
public protocol HubSpotTransport: AnyObject {
    func send(_ request: HTTPClientRequest, completion: @escaping HTTPClient.Completion)
}

extension HTTPClient: HubSpotTransport {}
