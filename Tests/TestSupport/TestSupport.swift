//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// TestSupport: helpers that several test targets share, so that each is written once.
//
// - `TestProcess`: runs a tool to completion and collects its exit status, standard output and standard error.
// - `OpenSSLTool`: the `openssl` command-line tool, the independent implementation the tests cross-check MynaVerify
//   and the simulator's PKI against, and its signature check.
// - `Valgrind`: runs one test of the current test bundle under `valgrind --leak-check=full` and reads the leak
//   summary, for the leak tests of MynaVerify and MynaCard.
// - `XCTestCase.makeTemporaryDirectory(_:)`: a fresh directory removed when the test ends.
// - `CapturingLogHandler`: a swift-log handler that keeps every message, for assertions on what the libraries log.
//
// It depends on no MynaKit module (only on swift-log's `Logging`), so any test target can use it.
