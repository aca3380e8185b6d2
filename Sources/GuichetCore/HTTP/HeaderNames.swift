// SPDX-License-Identifier: MPL-2.0
import HTTPTypes

/// The header names Guichet reads or writes that HTTPTypes does not name. `HTTPField.Name(_:)` is nil only for a name
/// with a character outside RFC 9110's token set; each name here is a constant made of letters and dashes.
extension HTTPField.Name {
    // trap-safe: constant token (letters and dashes)
    package static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    // trap-safe: constant token (letters)
    package static let refresh = HTTPField.Name("Refresh")!
    // trap-safe: constant token (letters and dashes)
    package static let xFileName = HTTPField.Name("X-File-Name")!
    // trap-safe: constant token (letters and dashes)
    package static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    // trap-safe: constant token (letters and dashes)
    package static let xRequestId = HTTPField.Name("X-Request-Id")!
    // trap-safe: constant token (letters and dashes)
    package static let xRobotsTag = HTTPField.Name("X-Robots-Tag")!
    // trap-safe: constant token (letters and dashes)
    package static let xTrackingPin = HTTPField.Name("X-Tracking-Pin")!
    // trap-safe: constant token (letters and dashes)
    package static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    // trap-safe: constant token (letters and dashes)
    package static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    // trap-safe: constant token (letters and dashes)
    package static let xCSRFToken = HTTPField.Name("X-CSRF-Token")!
    // trap-safe: constant token (letters and dashes)
    package static let xGuichetCSRFUsed = HTTPField.Name("X-Guichet-CSRF-Used")!
    /// Set by a handler whose page holds live figures: until when it holds (seconds since 1970). `ResponseCache` keeps the
    /// page no longer and never sends the header.
    // trap-safe: constant token (letters and dashes)
    package static let xGuichetFreshUntil = HTTPField.Name("X-Guichet-Fresh-Until")!
    /// The deployment's callback secret, sent by a gateway that cannot put it in the callback URL.
    // trap-safe: constant token (letters and dashes)
    package static let xGuichetSecret = HTTPField.Name("X-Guichet-Secret")!
}
