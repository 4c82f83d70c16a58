// placeholder until the target lands
@main struct SDPFuzzMain { static func main() {} }
