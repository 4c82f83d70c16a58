import COpenSSL

/// An independent RFC 7714 construction on OpenSSL's AES, used to check libsrtp's output:
/// the RFC 3711 §4.3 key derivation (AES-CM PRF) and the RFC 7714 §8 AEAD_AES_128_GCM
/// sealing of an RTP packet.
enum SrtpReference {
    /// RFC 3711 §4.3.1 with key derivation rate 0: AES-CM keystream under the master key,
    /// starting at IV = (master_salt XOR label at byte 7) || 0x0000. A 96-bit GCM master salt
    /// takes the first 12 of the 14 bytes (RFC 7714 §11).
    static func derive(masterKey: [UInt8], masterSalt: [UInt8], label: UInt8, length: Int) -> [UInt8] {
        var counter = [UInt8](repeating: 0, count: 16)
        for (index, byte) in masterSalt.enumerated() { counter[index] = byte }
        counter[7] ^= label
        var output: [UInt8] = []
        var block: UInt16 = 0
        while output.count < length {
            counter[14] = UInt8(block >> 8)
            counter[15] = UInt8(block & 0xFF)
            output += aesBlock(key: masterKey, counter)
            block += 1
        }
        return Array(output.prefix(length))
    }

    /// The RFC 7714 §8.1 IV for an RTP packet.
    static func rtpIV(salt: [UInt8], packet: [UInt8], rolloverCounter: UInt32) -> [UInt8] {
        var iv: [UInt8] = [0, 0] + packet[8..<12]
        iv += [UInt8(rolloverCounter >> 24), UInt8(rolloverCounter >> 16 & 0xFF), UInt8(rolloverCounter >> 8 & 0xFF), UInt8(rolloverCounter & 0xFF)]
        iv += packet[2..<4]
        return zip(iv, salt).map { $0 ^ $1 }
    }

    /// RFC 7714 §8.2: the header (no CSRC, no extension here) is the AAD, the payload is
    /// encrypted, and the 16-byte tag follows it.
    static func sealRTP(sessionKey: [UInt8], sessionSalt: [UInt8], packet: [UInt8]) -> [UInt8] {
        let header = Array(packet[0..<12])
        let payload = Array(packet[12...])
        let iv = rtpIV(salt: sessionSalt, packet: packet, rolloverCounter: 0)
        guard let context = EVP_CIPHER_CTX_new() else { return [] }
        defer { EVP_CIPHER_CTX_free(context) }
        var ciphertext = [UInt8](repeating: 0, count: payload.count + 16)
        var tag = [UInt8](repeating: 0, count: 16)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_gcm(), nil, sessionKey, iv) == 1,
              EVP_EncryptUpdate(context, nil, &written, header, Int32(header.count)) == 1,
              EVP_EncryptUpdate(context, &ciphertext, &written, payload, Int32(payload.count)) == 1 else { return [] }
        let count = Int(written)
        guard EVP_EncryptFinal_ex(context, &ciphertext[count], &written) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1 else { return [] }
        return header + ciphertext.prefix(count + Int(written)) + tag
    }

    private static func aesBlock(key: [UInt8], _ block: [UInt8]) -> [UInt8] {
        guard let context = EVP_CIPHER_CTX_new() else { return [] }
        defer { EVP_CIPHER_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: 32)
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), nil, key, nil) == 1,
              EVP_CIPHER_CTX_set_padding(context, 0) == 1,
              EVP_EncryptUpdate(context, &output, &written, block, 16) == 1 else { return [] }
        return Array(output.prefix(16))
    }
}
