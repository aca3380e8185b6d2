// SPDX-License-Identifier: MPL-2.0
import GuichetCore

/// Every path of the channels, named once.
package enum ChannelsRoute {
    /// The aggregator's USSD callback.
    package static let ussd = Route("/channels/ussd")
    /// The aggregator's inbound SMS callback.
    package static let sms = Route("/channels/sms")
    /// The aggregator's delivery reports.
    package static let delivery = Route("/channels/sms/delivery")
    /// Back office: messages by event and status, failures, the centres' "turn near" switches.
    package static let messages = Route("/admin/messages")
    package static let centreSettings = Route("/admin/messages/centres/:id")
    /// Back office: the institutions' webhooks (register, switch, new secret, remove) and their delivery log.
    package static let webhooks = Route("/admin/webhooks")
    package static let webhookState = Route("/admin/webhooks/:id/state")
    package static let webhookSecret = Route("/admin/webhooks/:id/secret")
    package static let webhookDelete = Route("/admin/webhooks/:id/delete")
    package static let webhookRetry = Route("/admin/webhooks/deliveries/:id/retry")
}
