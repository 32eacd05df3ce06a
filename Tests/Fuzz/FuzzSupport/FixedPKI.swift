//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

// Fixed material for FuzzVerify and FuzzDocument, made once with the test PKI (`mynakit sim --pki DIR`) and `openssl ca -gencrl`
// (Docs/Fuzzing.md has the commands). Certificates and a CRL only: the private keys were never kept.

public enum FixedPKI {
    /// The authentication root (the trust anchor), DER, base64.
    public static let authRoot = """
        MIID6zCCAtOgAwIBAgIIP9zVzXtcQ8MwDQYJKoZIhvcNAQELBQAwgYIxCzAJBgNVBAYTAkpQMQ0wCwYDVQQKDARKUEtJMSUwIwYD
        VQQLDBxKUEtJIGZvciB1c2VyIGF1dGhlbnRpY2F0aW9uMT0wOwYDVQQLDDRKYXBhbiBBZ2VuY3kgZm9yIExvY2FsIEF1dGhvcml0
        eSBJbmZvcm1hdGlvbiBTeXN0ZW1zMB4XDTI2MTEyNTE4MTAzM1oXDTM2MTEyMzE4MTAzM1owgYIxCzAJBgNVBAYTAkpQMQ0wCwYD
        VQQKDARKUEtJMSUwIwYDVQQLDBxKUEtJIGZvciB1c2VyIGF1dGhlbnRpY2F0aW9uMT0wOwYDVQQLDDRKYXBhbiBBZ2VuY3kgZm9y
        IExvY2FsIEF1dGhvcml0eSBJbmZvcm1hdGlvbiBTeXN0ZW1zMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmwI9o0tW
        F7QwVwmL48m9zIe99UXwRNyF0WI1UfHVMX3mu80TWtoR480aAfaNYkCLL8H+0bxBr4aLiAfWmmuLnNZEFeCvJQ6aXtput3Co+FWj
        6d36L+dFCSEyPr6gmfrYY0xt71rpMkxs72A0qQ1xXM59C2Ztyriz1tqYhsjXr8G8frXW7BV7g8aVORtcHPSUtazOUJPqlwLLEV6R
        HXWy2hxnJTwCVGFlSKFzi4bMsxRUUKYE6iiO+BoGVCvSPGrZJiH+yHvXvVl5mSaIJy3p/hU7Yv3D28RVEod1bL5p3hBcmHDxJe9J
        bk1DMZxejK6yD7A3PH7zX3TLGv63dQrN7QIDAQABo2MwYTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4E
        FgQUL0s/r6cXGNjYCqsu2UtZHlzgxx8wHwYDVR0jBBgwFoAUL0s/r6cXGNjYCqsu2UtZHlzgxx8wDQYJKoZIhvcNAQELBQADggEB
        ABQkuJp8J/vXygXUlshS6KE/1OFRL80LhIXg0LaQzMbHerqPxsr264ClEg8XKi3Qk0PYMgXT6gQxn6f6oh7S6CDOuKZi12sDKiSF
        u4IwurnRvYJsUtLgU47oQW3DBw7pWtZP1SisouYTcUkmWwBrVqDCphvy6g8eZ8q1Ax5xO2GnRB06lG7591D0kYyBuBgn+3kOarPn
        XfmkQLogIC11v9lQvIpkvOP1rW0MNjqhgG8uubvifNvxd8vPedV2P70kbPIjY2UVPcGCnikQJjpCr+7o3eD1FA0sRBYj283K3XOX
        z0o3AxlPh8H+QAJm4XSzA8GlqZTw3pypErJUnO/wwQQ=
        """
    /// The signing root, DER, base64.
    public static let signRoot = """
        MIID5zCCAs+gAwIBAgIID8yz3G4DPPowDQYJKoZIhvcNAQELBQAwgYAxCzAJBgNVBAYTAkpQMQ0wCwYDVQQKDARKUEtJMSMwIQYD
        VQQLDBpKUEtJIGZvciBkaWdpdGFsIHNpZ25hdHVyZTE9MDsGA1UECww0SmFwYW4gQWdlbmN5IGZvciBMb2NhbCBBdXRob3JpdHkg
        SW5mb3JtYXRpb24gU3lzdGVtczAeFw0yNjExMjUxODEwMzNaFw0zNjExMjMxODEwMzNaMIGAMQswCQYDVQQGEwJKUDENMAsGA1UE
        CgwESlBLSTEjMCEGA1UECwwaSlBLSSBmb3IgZGlnaXRhbCBzaWduYXR1cmUxPTA7BgNVBAsMNEphcGFuIEFnZW5jeSBmb3IgTG9j
        YWwgQXV0aG9yaXR5IEluZm9ybWF0aW9uIFN5c3RlbXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDDClnD4nRju5Uf
        npBKOsfpjQMjWIFp11Pw1l67T9Uzf9nGRqR0JZTMEzXnndGF3uD5ChB5ibcrxq01zi9PQ4EW3xZzyJ1qiUUJ7wjinHFfQtAQfJQO
        FYqSPwXN6C9xJuRcvPYNGwCrpEj/IaCxvM9cs16FKCjueM/ZFQ/38MzMlUW18l/qN8zPKKo44gNKXpHfbBPliGN0la0ElI4ZER79
        3ezZjItBQ//RmWEM7oVdyBn0xuzEmV9ZUH98c6NzBrrFWywhM915N2lIf9iBj3zZJPExmbJQJKgrS0voJ18L/UUVMvoI8NJ9D2TB
        boxjp59y4/usSeT0rKpjjYvLLgbXAgMBAAGjYzBhMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBQj
        r2dbEv1pnG6wwsdSu0dsowzxHzAfBgNVHSMEGDAWgBQjr2dbEv1pnG6wwsdSu0dsowzxHzANBgkqhkiG9w0BAQsFAAOCAQEApU74
        twdid8Ve3KrKTmZbiWjadY84+GVL3C3WPKGGXlaxMpbmlSPBqSbdVDsrI5DpkknjQemkDbHsaKKDDvqAw95nRTlKvAgQS8PWcgH6
        wLUp1hrpcfNqfozE4E1+aMZ+ar9pMmk1dZ6H1l4hGqTmXGjRLDpWeMA31l5sRB7MB1tQOLj4Q+9ILOFSg0yjy2gTwS8RJv0AqCpa
        2TDgtbh4//kRCvzyKNm+akxeZLOIsH3RCdnlzUkuMcG9dAp5umOTVdEor8mt4FDPRS71IkEglFwxwoVSS8Gq0YpDVbTtZn4FWRhK
        13GbgYVwFVsBo52YTjJWib+vk7qeTo32jsmpcw==
        """
    /// An authentication leaf issued by `authRoot`, DER, base64.
    public static let authLeaf = """
        MIIDnTCCAoWgAwIBAgIIRyAWEKy4IAcwDQYJKoZIhvcNAQELBQAwgYIxCzAJBgNVBAYTAkpQMQ0wCwYDVQQKDARKUEtJMSUwIwYD
        VQQLDBxKUEtJIGZvciB1c2VyIGF1dGhlbnRpY2F0aW9uMT0wOwYDVQQLDDRKYXBhbiBBZ2VuY3kgZm9yIExvY2FsIEF1dGhvcml0
        eSBJbmZvcm1hdGlvbiBTeXN0ZW1zMB4XDTI2MTEyNTE4MTAzM1oXDTMxMTEyNTE4MTAzM1owLDELMAkGA1UEBhMCSlAxHTAbBgNV
        BAMMFFA4NTFSRFJYWkFDVENNSEVZQjlXMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEApVd+eb4O/0DZhsSpFZ9t9J6S
        ZkE+VA+tfjd8/sAVA25iF6RxhDYlP5AdfBYLNUZZjADw7Ej9wlNeHY1g/DLv9qlEc5eg1rfnvYwOJilR11Vx3lGjxEev7r3SG2fN
        2Bw/Wby+l+0Pq2skCiPofH8iZChGllfkJMR0iSDIWNlMsNdvFPPlT6srN2/ZiedfKgmVZgMv0qLbKcvl+TAezFz4NbR7y6WKhXVQ
        5KbxjoL6foyMib5PtdNuN7tYZgLnkMTdUgdzJwNCvehN+czRudtw+wzBj/2VFYEjKQxmCeHG2H9pdcM13sln8l6M6+7NOzPG62P5
        PMzENPAnbcMZAVKjiwIDAQABo2wwajAOBgNVHQ8BAf8EBAMCB4AwGAYDVR0gBBEwDzANBgsqgwiMm1UIBQEDHjAdBgNVHQ4EFgQU
        ocE/7/gZ/89+bZ+90V5DdbedvwkwHwYDVR0jBBgwFoAUL0s/r6cXGNjYCqsu2UtZHlzgxx8wDQYJKoZIhvcNAQELBQADggEBABXV
        JNFgM11v/iv9io2gvey430B9wBebnogv6wGsiOmYYvRBdHM7eGlJVOoRgxdhPMQjzLNC4p5bwqCdHKRvTKOO5J4xnuLddGKyKIwY
        G8qCgKwsVrv4lDVbCvGTE9fhPfg1EXVpVWsYSZUir1VehNdEM66Bvb/m8w0qZaVVULHApYM2t/2HjSq5rGfQHgEtNhrsY96rF70i
        v8KEzmgXoBhDqihT0oMhyC7HF8zO3ENG5MaZ8YkYrImEhqCyOZcMjn28E0GH2XVo4W9zRxR+pRCqrx9mVYcR3RTIs4oOI+O/ls48
        u7ua5EiaEG2C1n7BWZi59siCcjHQDkDtOVtb6yk=
        """
    /// A CRL of `authRoot` revoking nothing, DER, base64.
    public static let authCRL = """
        MIIB3DCBxQIBATANBgkqhkiG9w0BAQsFADCBgjELMAkGA1UEBhMCSlAxDTALBgNVBAoMBEpQS0kxJTAjBgNVBAsMHEpQS0kgZm9y
        IHVzZXIgYXV0aGVudGljYXRpb24xPTA7BgNVBAsMNEphcGFuIEFnZW5jeSBmb3IgTG9jYWwgQXV0aG9yaXR5IEluZm9ybWF0aW9u
        IFN5c3RlbXMXDTI2MTEyNjE4MTA0NloXDTM2MTEyMzE4MTA0NlqgDjAMMAoGA1UdFAQDAgEBMA0GCSqGSIb3DQEBCwUAA4IBAQAQ
        pNrKZXK7Vpa48kAUBRvZoY2K4Y6AL15BaB+yI5IQkLtP9oUwudoZeVedtN0EVrurJAp7ezwcdhI5jFVDKhJCP+G9gSdT24J9/69m
        wx0eDZXpG4kwc2/bXk7wQgU4vA/XIQCDLHlWUvqe6YjWXpdAGld4JGMKtsyTzeC5nSp0DJt8ccLq3qYGng9Ofz51u6vf4APtWh4U
        Vze4M12GxIRHFoq3xitlDmxAYspaxcD75xZVDHubbO/9PQG370jbkJkRU5+z55f73+m8HGdRBVr/yOoPF6+xcQayPJcUX6M0oJbl
        CcXAaqy+ZEghTraUNI/q6mead4CD7xvM9GkIjcr7
        """

    /// The DER bytes of one of the base64 constants above.
    public static func der(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            fatalError("FixedPKI holds invalid base64")
        }
        return [UInt8](data)
    }
}
