//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// MynaImaging: the pictures of the card surface. The face photo is JPEG 2000 (decoded and, for the virtual card,
// encoded with OpenJPEG's libopenjp2 in `OpenJPEG/JPEG2000.swift`, the one file that touches C); screens and browsers
// get a PNG (`PNGEncoder.swift`, written here with stored deflate blocks and our own CRC-32 and Adler-32).

/// An 8-bit image in memory: greyscale (one channel) or RGB (three), rows top to bottom, samples interleaved.
public struct RasterImage: Hashable, Sendable {
    public enum Channels: Int, Hashable, Sendable {
        case grey = 1
        case rgb = 3
    }

    public let width: Int
    public let height: Int
    public let channels: Channels
    /// `width * height * channels.rawValue` samples.
    public let samples: [UInt8]

    /// - Throws: ``ImagingError`` when the sizes do not match the samples or are not positive.
    public init(width: Int, height: Int, channels: Channels, samples: [UInt8]) throws(ImagingError) {
        guard width > 0, height > 0, samples.count == width * height * channels.rawValue else {
            throw ImagingError("a \(width)x\(height) \(channels) image needs \(max(0, width * height * channels.rawValue)) "
                + "samples, got \(samples.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The sample of channel `channel` at (`x`, `y`).
    public subscript(x: Int, y: Int, channel: Int = 0) -> UInt8 {
        samples[(y * width + x) * channels.rawValue + channel]
    }
}

/// An image that cannot be read, written or converted, with the reason in words.
public struct ImagingError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
