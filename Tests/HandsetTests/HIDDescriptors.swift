/// Report descriptors shaped like real handsets', byte for byte as devices send them.
enum HIDDescriptors {
    /// Jabra-like: volume keys in report 1; in report 2 Phone Mute (relative, bit 0), Hook
    /// Switch and Line Busy Tone (absolute, bits 1 and 2), padding; LEDs (mute, off-hook,
    /// ring, hold) in output report 2.
    static let jabraLike: [UInt8] = [
        0x05, 0x0C,       // Usage Page (Consumer)
        0x09, 0x01,       // Usage (Consumer Control)
        0xA1, 0x01,       // Collection (Application)
        0x85, 0x01,       //   Report ID (1)
        0x15, 0x00,       //   Logical Minimum (0)
        0x25, 0x01,       //   Logical Maximum (1)
        0x09, 0xE9,       //   Usage (Volume Increment)
        0x09, 0xEA,       //   Usage (Volume Decrement)
        0x75, 0x01,       //   Report Size (1)
        0x95, 0x02,       //   Report Count (2)
        0x81, 0x06,       //   Input (Data, Variable, Relative)
        0x95, 0x06,       //   Report Count (6)
        0x81, 0x03,       //   Input (Constant, Variable): padding
        0xC0,             // End Collection
        0x05, 0x0B,       // Usage Page (Telephony)
        0x09, 0x05,       // Usage (Headset)
        0xA1, 0x01,       // Collection (Application)
        0x85, 0x02,       //   Report ID (2)
        0x15, 0x00,       //   Logical Minimum (0)
        0x25, 0x01,       //   Logical Maximum (1)
        0x09, 0x2F,       //   Usage (Phone Mute)
        0x75, 0x01,       //   Report Size (1)
        0x95, 0x01,       //   Report Count (1)
        0x81, 0x06,       //   Input (Data, Variable, Relative)
        0x09, 0x20,       //   Usage (Hook Switch)
        0x09, 0x97,       //   Usage (Line Busy Tone)
        0x95, 0x02,       //   Report Count (2)
        0x81, 0x22,       //   Input (Data, Variable, Absolute, No Preferred State)
        0x95, 0x05,       //   Report Count (5)
        0x81, 0x01,       //   Input (Constant): padding
        0x05, 0x08,       //   Usage Page (LEDs)
        0x09, 0x09,       //   Usage (Mute)
        0x09, 0x17,       //   Usage (Off-Hook)
        0x09, 0x18,       //   Usage (Ring)
        0x09, 0x20,       //   Usage (Hold)
        0x95, 0x04,       //   Report Count (4)
        0x91, 0x22,       //   Output (Data, Variable, Absolute, No Preferred State)
        0x95, 0x04,       //   Report Count (4)
        0x91, 0x01,       //   Output (Constant): padding
        0xC0,             // End Collection
    ]

    /// Yealink-like, unnumbered reports: a keypad array byte, then a Hook Switch that
    /// reports a press on each lift and each hang-up (Relative).
    static let yealinkLikeToggle: [UInt8] = [
        0x05, 0x0B,       // Usage Page (Telephony)
        0x09, 0x01,       // Usage (Phone)
        0xA1, 0x01,       // Collection (Application)
        0x19, 0xB0,       //   Usage Minimum (Phone Key 0)
        0x29, 0xBB,       //   Usage Maximum (Phone Key Pound)
        0x15, 0x00,       //   Logical Minimum (0)
        0x25, 0x0B,       //   Logical Maximum (11)
        0x75, 0x08,       //   Report Size (8)
        0x95, 0x01,       //   Report Count (1)
        0x81, 0x00,       //   Input (Data, Array)
        0x25, 0x01,       //   Logical Maximum (1)
        0x09, 0x20,       //   Usage (Hook Switch)
        0x75, 0x01,       //   Report Size (1)
        0x95, 0x01,       //   Report Count (1)
        0x81, 0x06,       //   Input (Data, Variable, Relative)
        0x95, 0x07,       //   Report Count (7)
        0x81, 0x03,       //   Input (Constant, Variable): padding
        0xC0,             // End Collection
    ]

    /// A boot keyboard: no telephony at all.
    static let keyboard: [UInt8] = [
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01,
        0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02,
        0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
        0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00,
        0xC0,
    ]
}
