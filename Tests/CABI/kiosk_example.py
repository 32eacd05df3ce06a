#!/usr/bin/env python3
"""A kiosk's card check through libmynakit with ctypes (the standard library only).

Lists the readers, reads the authentication certificate, verifies it against the J-LIS root installed on the
terminal, has the card sign a fresh challenge and verifies the signature:

    python3 kiosk_example.py --roots /etc/mynakit/trust/auth-root.pem [--reader NAME]

The PIN comes from standard input (a prompt without echo on a terminal), never from the command line. On failure the
exit status is the library's code, the same as the mynakit CLI's.
"""
import argparse
import ctypes
import getpass
import secrets
import sys

lib = ctypes.CDLL("libmynakit.so.1")

CERT_AUTH, KEY_AUTH, HASH_SHA256 = 1, 1, 2
ErrorP = ctypes.c_void_p  # mynakit_error *
SessionP = ctypes.c_void_p  # mynakit_session *
Bytes = ctypes.POINTER(ctypes.c_ubyte)
Paths = ctypes.POINTER(ctypes.c_char_p)

lib.mynakit_version.restype = ctypes.c_char_p
lib.mynakit_error_code.argtypes = [ErrorP]
lib.mynakit_error_name.argtypes = [ErrorP]
lib.mynakit_error_name.restype = ctypes.c_char_p
lib.mynakit_error_message.argtypes = [ErrorP]
lib.mynakit_error_message.restype = ctypes.c_char_p
lib.mynakit_error_free.argtypes = [ErrorP]
lib.mynakit_free.argtypes = [ctypes.c_void_p]
lib.mynakit_list_readers.argtypes = [ctypes.POINTER(ErrorP)]
lib.mynakit_list_readers.restype = ctypes.POINTER(ctypes.c_void_p)  # not c_char_p: each name must be freed
lib.mynakit_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ErrorP)]
lib.mynakit_open.restype = SessionP
lib.mynakit_session_reader.argtypes = [SessionP]
lib.mynakit_session_reader.restype = ctypes.c_char_p
lib.mynakit_close.argtypes = [SessionP]
lib.mynakit_read_certificate.argtypes = [
    SessionP, ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(Bytes), ctypes.POINTER(ctypes.c_size_t),
    ctypes.POINTER(ErrorP)]
lib.mynakit_pin_tries.argtypes = [SessionP, ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ErrorP)]
lib.mynakit_sign.argtypes = [
    SessionP, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
    ctypes.POINTER(Bytes), ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ErrorP)]
lib.mynakit_verify_certificate.argtypes = [
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, Paths, Paths, ctypes.c_longlong, ctypes.POINTER(ErrorP)]
lib.mynakit_verify_signature.argtypes = [
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p,
    ctypes.c_size_t, ctypes.POINTER(ErrorP)]


class MynaKitError(Exception):
    def __init__(self, err):
        self.code = lib.mynakit_error_code(err)
        self.name = lib.mynakit_error_name(err).decode()
        super().__init__(lib.mynakit_error_message(err).decode())
        lib.mynakit_error_free(err)


def call(function, *arguments):
    """Calls an int function of the library with a trailing mynakit_error **; raises on failure."""
    err = ErrorP()
    if function(*arguments, ctypes.byref(err)) != 0:
        raise MynaKitError(err)


def take_bytes(buffer, length):
    """Copies a buffer the library returned and frees it."""
    data = ctypes.string_at(buffer, length.value)
    lib.mynakit_free(buffer)
    return data


def list_readers():
    err = ErrorP()
    array = lib.mynakit_list_readers(ctypes.byref(err))
    if not array:
        raise MynaKitError(err)
    names, index = [], 0
    while array[index]:
        names.append(ctypes.string_at(array[index]).decode())
        lib.mynakit_free(array[index])
        index += 1
    lib.mynakit_free(array)
    return names


def read_pin():
    if sys.stdin.isatty():
        return getpass.getpass("authentication PIN (4 digits): ")
    return sys.stdin.readline().rstrip("\n")


def main():
    parser = argparse.ArgumentParser(description="Check a My Number card through libmynakit.")
    parser.add_argument("--roots", required=True, action="append", help="the J-LIS authentication root (PEM/DER)")
    parser.add_argument("--reader", help="the reader (default: the first holding a My Number card)")
    options = parser.parse_args()
    print("libmynakit", lib.mynakit_version().decode())
    print("readers:", ", ".join(list_readers()))

    err = ErrorP()
    session = lib.mynakit_open(options.reader.encode() if options.reader else None, ctypes.byref(err))
    if not session:
        raise MynaKitError(err)
    try:
        print("reader:", lib.mynakit_session_reader(session).decode())
        der, length = Bytes(), ctypes.c_size_t()
        call(lib.mynakit_read_certificate, session, CERT_AUTH, None, ctypes.byref(der), ctypes.byref(length))
        certificate = take_bytes(der, length)
        # The certificate proves nothing because it came from the card: only the root installed here does.
        roots = (ctypes.c_char_p * (len(options.roots) + 1))(*[root.encode() for root in options.roots], None)
        call(lib.mynakit_verify_certificate, certificate, len(certificate), CERT_AUTH, roots, None, 0)
        print(f"certificate: {len(certificate)} bytes, valid")

        tries = ctypes.c_int()
        call(lib.mynakit_pin_tries, session, KEY_AUTH, ctypes.byref(tries))
        print("PIN tries left:", tries.value)
        pin = ctypes.create_string_buffer(read_pin().encode())
        challenge = secrets.token_bytes(32)
        signature, length = Bytes(), ctypes.c_size_t()
        try:
            call(lib.mynakit_sign, session, KEY_AUTH, pin, 0, challenge, len(challenge), HASH_SHA256,
                 ctypes.byref(signature), ctypes.byref(length))
        finally:
            ctypes.memset(pin, 0, len(pin))  # the library wiped its own copy
        signature = take_bytes(signature, length)
        call(lib.mynakit_verify_signature, certificate, len(certificate), challenge, len(challenge), HASH_SHA256,
             signature, len(signature))
        print(f"signature: {len(signature)} bytes over a fresh {len(challenge)}-byte challenge, valid")
    finally:
        lib.mynakit_close(session)


if __name__ == "__main__":
    try:
        main()
    except MynaKitError as error:
        print(f"error {error.code} {error.name}: {error}", file=sys.stderr)
        sys.exit(error.code)
