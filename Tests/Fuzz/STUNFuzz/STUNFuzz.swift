// placeholder until the target lands
@main struct STUNFuzzMain { static func main() {} }
