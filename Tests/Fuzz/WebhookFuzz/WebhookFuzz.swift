// placeholder until the target lands
@main struct WebhookFuzzMain { static func main() {} }
