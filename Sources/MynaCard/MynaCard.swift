//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

/// MynaCard: the JPKI and card-info applets of the My Number card over any ``SmartCard/CardChannel``.
public enum MynaCard {}
