//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import MynaImaging
import Synchronization

/// The pictures on the virtual card's surface, generated, never hand-made bytes: a synthetic greyscale face encoded as
/// JPEG 2000 by OpenJPEG (lossless, so a decoder gives back ``photoSource(variant:)`` exactly), and 1-bit PNGs of the
/// name, the address, the My Number and the security code.
public enum SurfaceImages {
    /// The photo's size: 96 x 120, greyscale.
    public static let photoWidth = 96
    public static let photoHeight = 120

    /// The source of the face photo: variant 0 is the cardholder, variant 1 someone else (the swapped-photo fault).
    public static func photoSource(variant: Int = 0) -> RasterImage {
        var samples = [UInt8](repeating: 0, count: photoWidth * photoHeight)
        let centreX = photoWidth / 2 + (variant == 0 ? 0 : 6)
        let headA = variant == 0 ? 30 : 36  // half width of the head
        let headB = variant == 0 ? 40 : 34  // half height
        for y in 0..<photoHeight {
            for x in 0..<photoWidth {
                // A light background with a vertical gradient, shoulders at the bottom, an oval head with shading.
                var value = 200 + y / 8 - x / 16
                let dx = x - centreX
                let dy = y - 50
                if y > 95 && abs(dx) < 20 + (y - 95) * 2 { value = variant == 0 ? 60 : 110 }
                if dx * dx * headB * headB + dy * dy * headA * headA <= headA * headA * headB * headB {
                    value = 150 - dx / 2 - dy / 3
                    let eyeY = dy + 8
                    for eyeX in [dx + 12, dx - 12] where eyeX * eyeX + eyeY * eyeY * 3 <= 30 { value = 25 }
                    if dy > 18 && dy < 22 && abs(dx) < (variant == 0 ? 10 : 14) { value = 70 }
                    if variant == 1 && dy < -28 { value = 40 }  // other hair
                }
                samples[y * photoWidth + x] = UInt8(clamping: value)
            }
        }
        do {
            return try RasterImage(width: photoWidth, height: photoHeight, channels: .grey, samples: samples)
        } catch {
            preconditionFailure("the photo's size and samples agree by construction: \(error)")
        }
    }

    private static let photoCache = Mutex<[Int: [UInt8]]>([:])

    /// The photo as the card stores it: JP2, encoded once per process and variant.
    static func photoJP2(variant: Int) throws(SimulatorError) -> [UInt8] {
        if let cached = photoCache.withLock({ $0[variant] }) { return cached }
        let encoded: [UInt8]
        do {
            encoded = try JPEG2000.encodeLossless(photoSource(variant: variant))
        } catch {
            throw SimulatorError(.invalidConfiguration, "OpenJPEG could not encode the photo: \(error)")
        }
        photoCache.withLock { $0[variant] = encoded }
        return encoded
    }

    /// Digits as printed, 6 pixels per digit and 12 rows, black on white: the My Number image (72 x 12) and the
    /// security-code image (24 x 12).
    static func digitsPNG(_ digits: String) -> [UInt8] {
        let characters = Array(digits.utf8)
        var samples = [UInt8](repeating: 255, count: characters.count * 6 * 12)
        for (index, character) in characters.enumerated() {
            guard (0x30...0x39).contains(character) else { continue }
            let glyph = font[Int(character - 0x30)]
            for row in 0..<7 {
                for column in 0..<5 where glyph[row] & (0x10 >> UInt8(column)) != 0 {
                    samples[(row + 2) * characters.count * 6 + index * 6 + column] = 0
                }
            }
        }
        return bilevel(width: characters.count * 6, height: 12, samples: samples)
    }

    /// Text as a 1-bit image, one 12 x 16 cell per character with a pattern derived from it (the virtual card has no
    /// Japanese font; real cards render the printed text).
    static func textPNG(_ text: String) -> [UInt8] {
        let scalars = Array(text.unicodeScalars.prefix(40))
        let width = max(scalars.count, 1) * 12
        var samples = [UInt8](repeating: 255, count: width * 16)
        for (index, scalar) in scalars.enumerated() where scalar != " " {
            var bits = scalar.value &* 2_654_435_761
            for row in 0..<5 {
                for column in 0..<5 {
                    if bits & 1 == 1 {
                        for y in 0..<2 { for x in 0..<2 { samples[(3 + row * 2 + y) * width + index * 12 + 1 + column * 2 + x] = 0 } }
                    }
                    bits = bits >> 1 | bits << 31
                }
            }
        }
        return bilevel(width: width, height: 16, samples: samples)
    }

    private static func bilevel(width: Int, height: Int, samples: [UInt8]) -> [UInt8] {
        do {
            return PNG.encodeBilevel(try RasterImage(width: width, height: height, channels: .grey, samples: samples))
        } catch {
            preconditionFailure("the image's size and samples agree by construction: \(error)")
        }
    }

    /// A 5 x 7 font of the digits 0-9, one byte per row, bit 4 the leftmost column.
    private static let font: [[UInt8]] = [
        [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E], [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F], [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02], [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E], [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E], [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
    ]
}
