// placeholder until the target lands
@main struct ConfigFuzzMain { static func main() {} }
