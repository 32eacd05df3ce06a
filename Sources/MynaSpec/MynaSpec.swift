//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// MynaSpec: the My Number card's specification as facts, the one home of every AID, EF id, key reference, PIN rule,
// known ATR and data format that both the client (`MynaCard`) and the virtual card (`MynaSimulator`) rely on, and the
// vocabulary every layer shares (``HashAlgorithm``). Values and pure functions only: it sends nothing and parses no
// card answers. (No `enum MynaSpec`: a type named like its module breaks module-qualified names.)
