//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Every OpenJPEG call of MynaImaging lives in this file. The codec, stream and image pointers are created and
// destroyed inside one function each; OpenJPEG reads and writes through callbacks on a `MemoryStream`, so no file is
// ever written; OpenJPEG's error messages are collected and returned in the error.

internal import COpenJPEG

/// JPEG 2000 (ISO/IEC 15444-1) through OpenJPEG's libopenjp2: the face photo of the card surface.
public enum JPEG2000 {
    /// How the bytes are framed.
    public enum Container: String, Hashable, Sendable {
        /// A JP2 file (ISO/IEC 15444-1 annex I): signature box `00 00 00 0C 6A 50 20 20 0D 0A 87 0A`, then boxes.
        case jp2
        /// A bare codestream starting with SOC and SIZ (`FF 4F FF 51`).
        case codestream
    }

    /// The largest image ``decode(_:maximumPixels:)`` accepts by default (a card photo is far smaller).
    public static let defaultMaximumPixels = 4096 * 4096

    /// The version of the libopenjp2 in use (`2.5.0`).
    public static var libraryVersion: String { String(cString: opj_version()) }

    /// The container of `bytes`, or `nil` when it is neither.
    public static func container(of bytes: [UInt8]) -> Container? {
        if bytes.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) { return .jp2 }
        if bytes.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) { return .codestream }
        return nil
    }

    /// Decodes a JP2 file or codestream into 8-bit samples: one component is greyscale, three or more are RGB (the
    /// first three; alpha is dropped). Other precisions are scaled to 8 bits; signed samples are shifted.
    ///
    /// - Throws: ``ImagingError`` for anything that is not a decodable image, subsampled components, or an image of
    ///   more than `maximumPixels` pixels (checked from the header, before anything is decoded).
    public static func decode(_ bytes: [UInt8], maximumPixels: Int = defaultMaximumPixels) throws(ImagingError)
        -> RasterImage
    {
        guard let container = container(of: bytes) else {
            throw ImagingError("not JPEG 2000: neither a JP2 signature box nor a codestream (SOC SIZ) at the start")
        }
        let source = MemoryStream(bytes)
        guard let codec = opj_create_decompress(container == .jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K) else {
            throw ImagingError("opj_create_decompress failed")
        }
        defer { opj_destroy_codec(codec) }
        let sink = Unmanaged.passUnretained(source).toOpaque()
        opj_set_error_handler(codec, { message, client in MemoryStream.note(message, client) }, sink)
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0 else { throw source.failure("opj_setup_decoder") }
        guard let stream = source.makeStream(input: true) else { throw ImagingError("opj_stream_create failed") }
        defer { opj_stream_destroy(stream) }

        var decoded: UnsafeMutablePointer<opj_image_t>? = nil
        defer { if let decoded { opj_image_destroy(decoded) } }
        guard opj_read_header(stream, codec, &decoded) != 0, let image = decoded else {
            throw source.failure("reading the JPEG 2000 header")
        }
        let width = Int(image.pointee.x1) - Int(image.pointee.x0)
        let height = Int(image.pointee.y1) - Int(image.pointee.y0)
        guard width > 0, height > 0, width <= maximumPixels / height else {
            throw ImagingError("the JPEG 2000 image is \(width)x\(height): outside 1 to \(maximumPixels) pixels")
        }
        guard opj_decode(codec, stream, image) != 0, opj_end_decompress(codec, stream) != 0 else {
            throw source.failure("decoding the JPEG 2000 image")
        }
        return try raster(image.pointee, width: width, height: height)
    }

    /// Encodes `image` losslessly (reversible 5/3 wavelet, one quality layer) as a JP2 file: decoding it gives the same
    /// samples back.
    ///
    /// - Throws: ``ImagingError`` when OpenJPEG refuses the image.
    public static func encodeLossless(_ image: RasterImage) throws(ImagingError) -> [UInt8] {
        let count = image.channels.rawValue
        var components = [opj_image_cmptparm_t](repeating: opj_image_cmptparm_t(), count: count)
        for index in components.indices {
            components[index].dx = 1
            components[index].dy = 1
            components[index].w = UInt32(image.width)
            components[index].h = UInt32(image.height)
            components[index].prec = 8
            components[index].sgnd = 0
        }
        let space = image.channels == .grey ? OPJ_CLRSPC_GRAY : OPJ_CLRSPC_SRGB
        let created = components.withUnsafeMutableBufferPointer { opj_image_create(UInt32(count), $0.baseAddress, space) }
        guard let raw = created else { throw ImagingError("opj_image_create failed") }
        defer { opj_image_destroy(raw) }
        raw.pointee.x0 = 0
        raw.pointee.y0 = 0
        raw.pointee.x1 = UInt32(image.width)
        raw.pointee.y1 = UInt32(image.height)
        for channel in 0..<count {
            guard let data = raw.pointee.comps[channel].data else { throw ImagingError("opj_image_create gave no data") }
            for index in 0..<image.width * image.height {
                data[index] = Int32(image.samples[index * count + channel])
            }
        }

        var parameters = opj_cparameters_t()
        opj_set_default_encoder_parameters(&parameters)
        parameters.tcp_numlayers = 1
        parameters.tcp_rates.0 = 0  // no rate limit: lossless
        parameters.cp_disto_alloc = 1
        parameters.irreversible = 0
        // Each resolution level halves the image; the smallest must keep at least one pixel.
        var levels: Int32 = 1
        while levels < 6 && min(image.width, image.height) >> Int(levels) > 0 { levels += 1 }
        parameters.numresolution = levels

        let target = MemoryStream([])
        guard let codec = opj_create_compress(OPJ_CODEC_JP2) else { throw ImagingError("opj_create_compress failed") }
        defer { opj_destroy_codec(codec) }
        let sink = Unmanaged.passUnretained(target).toOpaque()
        opj_set_error_handler(codec, { message, client in MemoryStream.note(message, client) }, sink)
        guard opj_setup_encoder(codec, &parameters, raw) != 0 else { throw target.failure("opj_setup_encoder") }
        guard let stream = target.makeStream(input: false) else { throw ImagingError("opj_stream_create failed") }
        defer { opj_stream_destroy(stream) }
        guard opj_start_compress(codec, raw, stream) != 0, opj_encode(codec, stream) != 0,
            opj_end_compress(codec, stream) != 0
        else { throw target.failure("encoding the JPEG 2000 image") }
        return withExtendedLifetime(target) { target.bytes }
    }

    /// 8-bit samples from the decoded components.
    private static func raster(_ image: opj_image_t, width: Int, height: Int) throws(ImagingError) -> RasterImage {
        let available = Int(image.numcomps)
        guard available >= 1, let comps = image.comps else { throw ImagingError("the JPEG 2000 image has no component") }
        let channels: RasterImage.Channels = available >= 3 ? .rgb : .grey
        let used = channels.rawValue
        var samples = [UInt8](repeating: 0, count: width * height * used)
        for channel in 0..<used {
            let component = comps[channel]
            guard component.dx == 1, component.dy == 1, Int(component.w) == width, Int(component.h) == height,
                let data = component.data, (1...31).contains(component.prec)
            else {
                throw ImagingError("JPEG 2000 component \(channel) is subsampled or of another size; not supported")
            }
            let precision = Int(component.prec)
            let offset = component.sgnd != 0 ? 1 << (precision - 1) : 0
            let maximum = (1 << precision) - 1
            for index in 0..<width * height {
                let value = min(max(Int(data[index]) + offset, 0), maximum)
                let scaled = precision == 8 ? value : precision > 8 ? value >> (precision - 8) : value * 255 / maximum
                samples[index * used + channel] = UInt8(scaled)
            }
        }
        return try RasterImage(width: width, height: height, channels: channels, samples: samples)
    }
}

/// The bytes OpenJPEG reads from or writes to, with a position, and the messages it reported.
private final class MemoryStream {
    var bytes: [UInt8]
    var position = 0
    var messages: [String] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// An OpenJPEG stream over this buffer. The caller keeps `self` alive while the stream exists.
    func makeStream(input: Bool) -> UnsafeMutablePointer<opj_stream_t?>? {
        guard let stream = opj_stream_create(64 * 1024, input ? 1 : 0) else { return nil }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(self).toOpaque(), nil)
        if input { opj_stream_set_user_data_length(stream, UInt64(bytes.count)) }
        opj_stream_set_read_function(stream) { buffer, count, client in
            let this = MemoryStream.from(client)
            let available = this.bytes.count - this.position
            guard available > 0, let buffer else { return -1 }  // (OPJ_SIZE_T)-1, end of stream (size_t is Int in Swift)
            let length = min(Int(count), available)
            this.bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: source.baseAddress! + this.position, byteCount: length)
            }
            this.position += length
            return OPJ_SIZE_T(length)
        }
        opj_stream_set_write_function(stream) { buffer, count, client in
            let this = MemoryStream.from(client)
            guard let buffer else { return -1 }
            let incoming = UnsafeRawBufferPointer(start: buffer, count: Int(count))
            let end = this.position + incoming.count
            if end > this.bytes.count { this.bytes += [UInt8](repeating: 0, count: end - this.bytes.count) }
            this.bytes.replaceSubrange(this.position..<end, with: incoming)
            this.position = end
            return count
        }
        opj_stream_set_skip_function(stream) { distance, client in
            let this = MemoryStream.from(client)
            let target = this.position + Int(distance)
            guard target >= 0 else { return -1 }
            this.position = target
            return distance
        }
        opj_stream_set_seek_function(stream) { offset, client in
            let this = MemoryStream.from(client)
            guard offset >= 0 else { return 0 }
            this.position = Int(offset)
            return 1
        }
        return stream
    }

    static func from(_ client: UnsafeMutableRawPointer?) -> MemoryStream {
        Unmanaged<MemoryStream>.fromOpaque(client!).takeUnretainedValue()
    }

    /// OpenJPEG's error callback: keeps the message.
    static func note(_ message: UnsafePointer<CChar>?, _ client: UnsafeMutableRawPointer?) {
        guard let message, client != nil else { return }
        let text = String(cString: message).trimmingCharacters(in: "\n ")
        if !text.isEmpty { from(client).messages.append(text) }
    }

    func failure(_ what: String) -> ImagingError {
        ImagingError(messages.isEmpty ? "\(what) failed" : "\(what) failed: \(messages.joined(separator: "; "))")
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var text = Substring(self)
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        return String(text)
    }
}
