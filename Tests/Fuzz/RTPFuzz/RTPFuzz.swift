// placeholder until the target lands
@main struct RTPFuzzMain { static func main() {} }
