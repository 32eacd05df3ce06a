//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

extension DistinguishedName {
    /// Reads an OpenSSL `X509_NAME` (borrowed from its certificate or CRL), keeping multi-valued RDNs together.
    init(x509Name name: OpaquePointer) {
        var rdns: [[DistinguishedName.Attribute]] = []
        var previousSet: Int32 = -1
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index), let object = X509_NAME_ENTRY_get_object(entry) else {
                continue
            }
            let oid = ASN1.text(of: object)
            let nid = OBJ_obj2nid(object)
            let shortName = nid == NID_undef ? oid : String(cString: OBJ_nid2sn(nid))
            let attribute = DistinguishedName.Attribute(
                oid: oid,
                shortName: shortName,
                value: ASN1.utf8String(X509_NAME_ENTRY_get_data(entry))
            )
            let set = X509_NAME_ENTRY_set(entry)
            if set == previousSet, !rdns.isEmpty {
                rdns[rdns.count - 1].append(attribute)
            } else {
                rdns.append([attribute])
            }
            previousSet = set
        }
        self.init(rdns: rdns)
    }
}
