// The plain C baseline of `mynakit bench apdu`: the same APDUs through libpcsclite with nothing in between.
//
//   CBaselinePCSC READER COUNT AID FID LE
//
// Connects (shared, T=0|T=1), begins a transaction, SELECTs the application and the EF, then sends COUNT times
// READ BINARY 00 B0 00 00 LE and prints "<rate> apdu/s" (READ BINARY round trips per second).
#include <winscard.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int hex_to_bytes(const char *hex, unsigned char *out, size_t max) {
    size_t n = 0;
    while (hex[0] && hex[1]) {
        if (n == max) return -1;
        unsigned int byte;
        if (sscanf(hex, "%2x", &byte) != 1) return -1;
        out[n++] = (unsigned char)byte;
        hex += 2;
    }
    return (int)n;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s READER COUNT AID FID LE\n", argv[0]);
        return 64;
    }
    const char *reader = argv[1];
    long count = strtol(argv[2], NULL, 10);
    unsigned char aid[16], fid[2];
    int aid_len = hex_to_bytes(argv[3], aid, sizeof aid);
    if (aid_len <= 0 || hex_to_bytes(argv[4], fid, sizeof fid) != 2) {
        fprintf(stderr, "bad AID or FID\n");
        return 64;
    }
    unsigned char le = (unsigned char)strtol(argv[5], NULL, 16);

    SCARDCONTEXT ctx;
    SCARDHANDLE card;
    DWORD proto;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv != SCARD_S_SUCCESS) { fprintf(stderr, "establish: %s\n", pcsc_stringify_error(rv)); return 69; }
    rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &proto);
    if (rv != SCARD_S_SUCCESS) { fprintf(stderr, "connect: %s\n", pcsc_stringify_error(rv)); return 3; }
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    static unsigned char recv_buf[MAX_BUFFER_SIZE_EXTENDED];
    DWORD recv_len;

    rv = SCardBeginTransaction(card);
    if (rv != SCARD_S_SUCCESS) { fprintf(stderr, "begin: %s\n", pcsc_stringify_error(rv)); return 6; }

    unsigned char select_df[5 + 16] = {0x00, 0xA4, 0x04, 0x0C, (unsigned char)aid_len};
    memcpy(select_df + 5, aid, (size_t)aid_len);
    recv_len = sizeof recv_buf;
    rv = SCardTransmit(card, pci, select_df, 5 + (DWORD)aid_len, NULL, recv_buf, &recv_len);
    if (rv != SCARD_S_SUCCESS || recv_len < 2 || recv_buf[recv_len - 2] != 0x90) { fprintf(stderr, "select AP failed\n"); return 6; }
    unsigned char select_ef[7] = {0x00, 0xA4, 0x02, 0x0C, 0x02, fid[0], fid[1]};
    recv_len = sizeof recv_buf;
    rv = SCardTransmit(card, pci, select_ef, sizeof select_ef, NULL, recv_buf, &recv_len);
    if (rv != SCARD_S_SUCCESS || recv_len < 2 || recv_buf[recv_len - 2] != 0x90) { fprintf(stderr, "select EF failed\n"); return 6; }

    unsigned char read_binary[5] = {0x00, 0xB0, 0x00, 0x00, le};
    double start = now();
    for (long i = 0; i < count; i++) {
        recv_len = sizeof recv_buf;
        rv = SCardTransmit(card, pci, read_binary, sizeof read_binary, NULL, recv_buf, &recv_len);
        if (rv != SCARD_S_SUCCESS || recv_len < 2) { fprintf(stderr, "transmit: %s\n", pcsc_stringify_error(rv)); return 6; }
    }
    double elapsed = now() - start;

    SCardEndTransaction(card, SCARD_LEAVE_CARD);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    printf("%.1f apdu/s\n", (double)count / elapsed);
    return 0;
}
