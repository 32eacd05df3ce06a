#!/usr/bin/env python3
"""Writes the seed corpus under Tests/Fuzz/corpus/<target>/ (Docs/Fuzzing.md).

usage: scripts/fuzz-seeds.py PKI_DIR
PKI_DIR holds DER files made from a test PKI (`mynakit sim --pki DIR` + openssl, see Docs/Fuzzing.md):
auth.der sign.der auth-root.der sign-root.der empty.crl.der revoked.crl.der. Only certificates and CRLs are read;
no private key is ever copied.
"""
import hashlib
import os
import struct
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fuzz", "corpus")


def write(target, name, data):
    directory = os.path.join(root, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(bytes(data))


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


def tlv(tag, value):
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n <= 0xFF:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return tag + length + value


def chunks(blocks):
    """OpenSC fuzz-reader format: little-endian u16 length, then the bytes."""
    return b"".join(struct.pack("<H", len(b)) + b for b in blocks)


pki = sys.argv[1]
der = {n: open(os.path.join(pki, n + ".der"), "rb").read()
       for n in ["auth", "sign", "auth-root", "sign-root", "empty.crl", "revoked.crl"]}

# (b) ATRs: the My Number card ATRs OpenSC registers (the list in Sources/MynaSpec/KnownATRs.swift), and broken
# variants.
atrs = {
    "contact-e0": "3B E0 00 FF 81 31 FE 45 14",
    "contact-da": "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B",
    "contact-c5": "3B C5 FF 81 31 FB 45 80 73 C6 01 00 00",
    "contact-f5-d1d6": "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6",
    "contact-f5-b3a1": "3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 B3 A1 15",
    "contactless-05e0": "3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F",
    "contactless-41e0": "3B 88 80 01 00 00 41 E0 B3 81 A1 00 3B",
    "contactless-4b51ff00": "3B 88 80 01 00 4B 51 FF 00 81 D1 00 BC",
    "contactless-4b51ffb3": "3B 88 80 01 00 4B 51 FF B3 81 D1 00 0F",
    "truncated-historical": "3B DA 13 FF 81 31 FB 46 80 12 39",
    "wrong-tck": "3B E0 00 FF 81 31 FE 45 15",
    "one-byte": "3B",
    "td-chain-runs-off": "3F FF FF FF FF",
}
for name, text in atrs.items():
    write("FuzzATR", name, h(text))
# The same as text, as `mynakit atr HEX` receives it.
write("FuzzATR", "hex-text-contact-e0", atrs["contact-e0"].encode())
write("FuzzATR", "hex-text-contactless", b"0x" + atrs["contactless-05e0"].replace(" ", ":").encode())

# (a) BER-TLV: card data as the card-info applet and the JPKI applet hold it, and the parser checklist's traps.
name = "山田 花子".encode()
address = "東京都千代田区霞が関2-1-2".encode()
fields = [tlv(h("DF22"), name), tlv(h("DF23"), address), tlv(h("DF24"), b"19800101"), tlv(h("DF25"), b"2")]
offsets, position = b"", 11
for f in fields:
    offsets += struct.pack(">H", position)
    position += len(f)
value = tlv(h("DF21"), offsets) + b"".join(fields)
tlvs = {
    "mynumber-ff10": h("FF 10 0C") + b"123456789011" + h("FF FF"),
    "basic4-ff20": h("FF 20 82") + struct.pack(">H", len(value)) + value,
    "text-signature-ff30": tlv(h("FF30"), tlv(h("DF31"), bytes(32)) + tlv(h("DF32"), bytes(32))
                               + tlv(h("DF33"), bytes(256))),
    "basic-info-ff40": tlv(h("FF40"), tlv(h("DF41"), h("01020304")) + tlv(h("DF42"), bytes(range(16)))),
    "cv-certificate-7f21": tlv(h("7F21"), tlv(h("5F4E"), bytes(32) + tlv(h("81"), bytes(256)) + tlv(h("82"), h("010001")))
                               + tlv(h("5F37"), bytes(256))),
    "fci-6f": tlv(h("6F"), tlv(h("84"), h("D3 92 F0 00 26 01 00 00 00 01"))),
    "fcp-62": tlv(h("62"), tlv(h("80"), h("03 A1")) + tlv(h("83"), h("00 0A"))),
    "auth-certificate": der["auth"],
    "certificate-first-7-bytes": der["auth"][:7],
    "indefinite-length": h("30 80 02 01 01 00 00"),
    "length-84": h("30 84 00 00 00 05 02 01 01 05 00"),
    "length-85": h("30 85 00 00 00 00 05 02 01 01 05 00"),
    "non-minimal-81-7f": h("04 81 03 01 02 03"),
    "length-past-end": h("30 82 FF FF 02 01"),
    "nested-exceeds-parent": h("30 03 30 05 02 01 01"),
    "tag-runs-off": h("5F 81 81 81"),
    "depth-bomb": b"".join([h("30") + bytes([2 * (20 - i)]) for i in range(20)]),
}
for name, data in tlvs.items():
    write("FuzzBERTLV", name, data)

# (c) APDU + channel: [ATR][responses...] in the order APDUTarget.script sends its commands.
cert = der["auth"]
atr = h(atrs["contact-e0"])
ok = h("90 00")
apdu = {
    "plain-success": chunks([atr, ok, ok, cert[:256] + ok, cert[256:263] + ok, h("63 C3"), ok, ok,
                             bytes(256) + ok, cert + ok]),
    "get-response-chain": chunks([atr, h("61 10"), bytes(16) + ok, ok, h("61 00"), bytes(256) + ok,
                                  h("61 07"), bytes(7) + h("61 02"), bytes(2) + ok]),
    "wrong-le-6c": chunks([atr, ok, ok, h("6C 80"), bytes(128) + ok, h("6C 07"), h("6C 07")]),
    "endless-61xx": chunks([atr] + [h("61 10")] + [bytes(16) + h("61 10")] * 40),
    "vpcd-eof-empty": chunks([atr, b"", h("90"), ok]),
    "sign-via-61-00": chunks([atr, ok, ok, ok, ok, h("63 C3"), ok, ok, h("61 00"), bytes(256) + ok]),
    "blocked-pin": chunks([atr, ok, ok, ok, ok, h("69 83"), h("69 83"), h("69 83"), h("69 82"), h("6A 86")]),
    "commands-as-blocks": chunks([atr, h("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), h("00 B0 00 00 00"),
                                  h("00 B0 00 00 00 01 00"), h("80 2A 00 80 00 00 33") + bytes(51) + h("01 00")]),
}
for name, data in apdu.items():
    write("FuzzAPDU", name, data)

# (d) the virtual card: [configuration][commands or vpcd control bytes...].
select_jpki = h("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")
select_info = h("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
def select_ef(fid):
    return h("00 A4 02 0C 02") + fid
digest_info = h("30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20") + hashlib.sha256(b"challenge").digest()
sign = h("80 2A 00 80") + bytes([len(digest_info)]) + digest_info + h("00")
card = {
    "read-auth-certificate": chunks([h("00"), select_jpki, select_ef(h("000A")), h("00 B0 00 00 00"),
                                     h("00 B0 01 00 00"), h("00 B0 02 00 00"), h("00 B0 03 00 00"), h("00 B0 04 00 00")]),
    "auth-sign": chunks([h("00"), select_jpki, select_ef(h("0018")), h("00 20 00 80"), h("00 20 00 80 04") + b"1234",
                         select_ef(h("0017")), sign]),
    "auth-sign-case3-get-response": chunks([h("00"), select_jpki, select_ef(h("0018")),
                                            h("00 20 00 80 04") + b"1234", select_ef(h("0017")),
                                            sign[:-1], h("00 C0 00 00 00")]),
    "wrong-pin-then-block": chunks([h("00"), select_jpki, select_ef(h("0018"))] + [h("00 20 00 80 04") + b"0000"] * 4),
    "card-info": chunks([h("00"), select_info, select_ef(h("0011")), h("00 20 00 80 04") + b"1234",
                         select_ef(h("0001")), h("00 B0 00 00 11"), select_ef(h("0002")), h("00 B0 00 00 00")]),
    "extended-sfi-read": chunks([h("01"), select_jpki, h("00 B0 8A 00 00 00 00"), h("00 B0 8B 00 00 00 00")]),
    "select-fci-fcp": chunks([h("00"), h("00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00"),
                              h("00 A4 02 04 02 00 0A 00"), h("00 A4 00 0C 02 3F 00")]),
    "faults-6c-and-chaining": chunks([h("06 40"), select_jpki, select_ef(h("000B")), h("00 B0 03 00 FF"),
                                      h("00 B0 00 00 00"), h("00 C0 00 00 40"), h("00 C0 00 00 00")]),
    "endless-get-response": chunks([h("80"), select_jpki, select_ef(h("0006")), h("00 B0 00 00 20"),
                                    h("00 C0 00 00 10"), h("00 C0 00 00 10")]),
    "power-cycle": chunks([h("00"), select_jpki, h("00"), h("00 B0 00 00 00"), h("01"), h("04"),
                           h("00 B0 00 00 00"), h("02"), select_jpki]),
    "bad-lengths": chunks([h("00"), h("00 A4 04 0C 0B D3 92"), h("00 B0"), h("00 B0 00 00 00 00"),
                           h("00 20 00 80 00 00 00"), h("84 A4 04 0C"), h("00 FF 00 00")]),
}
for name, data in card.items():
    write("FuzzVirtualCard", name, data)

# (e) MynaVerify: DER certificates and CRLs of one test PKI (the one FuzzVerify's FixedPKI comes from).
for name in ["auth", "sign", "auth-root", "sign-root", "empty.crl", "revoked.crl"]:
    write("FuzzVerify", name.replace(".", "-") + ".der", der[name])
write("FuzzVerify", "auth-truncated.der", der["auth"][: len(der["auth"]) // 2])
