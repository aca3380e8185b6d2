// SPDX-License-Identifier: MPL-2.0
import Applications
import Catalog
import Centres
import Crypto
import FluentKit
import Foundation
import GuichetCore
import Hummingbird
import Logging

/// Basic phones and notifications: the outbox every feature writes its messages to (`Notifier`), the delivery worker
/// and its gateways, the USSD menu, inbound SMS commands, delivery reports, and the back office's messages page. It sits
/// on top of the features it serves (Applications' tracking, Centres' queues, appointments and feedback, the catalogue),
/// which know it only through the `Notifier` port.
package struct ChannelsModule: Sendable {
    let settings: ChannelSettings
    let outbox: Outbox
    let delivery: Delivery
    let actions: ChannelActions
    let menu: USSDMenu
    let renderer: Renderer
    let database: DatabaseService
    let directory: DirectoryRepository
    let webhooks: Webhooks
    let catalog: CatalogRepository
    let clock: any WallClock

    package init(
        settings: ChannelSettings, outbox: Outbox, webhooks: Webhooks, transport: any SMSTransport, database: DatabaseService, renderer: Renderer,
        applications: ApplicationsModule, centres: CentresModule, catalog: CatalogRepository, clock: any WallClock
    ) {
        self.settings = settings
        self.webhooks = webhooks
        self.catalog = catalog
        self.outbox = outbox
        self.delivery = Delivery(database: database, transport: transport, settings: settings, clock: clock)
        let actions = ChannelActions(
            localizer: renderer.localizer, tracking: applications.tracking, directory: centres.directory, queue: centres.queue,
            appointments: centres.appointments, feedback: centres.feedback, clock: clock)
        self.actions = actions
        self.menu = USSDMenu(actions: actions, catalog: catalog)
        self.renderer = renderer
        self.database = database
        self.directory = centres.directory
        self.clock = clock
    }

    /// The outbox that features write to, built before them (it needs only the database and the locale catalogues).
    package static func outbox(
        database: DatabaseService, localizer: Localizer, siteSecret: SymmetricKey, settings: ChannelSettings, clock: any WallClock
    ) -> Outbox {
        Outbox(database: database, localizer: localizer, hasher: PhoneHasher(key: siteSecret), nearDefault: settings.nearThreshold, clock: clock)
    }

    /// The institutions' webhooks, a second `Notifier` written in the same transactions as the outbox.
    package static func webhooks(database: DatabaseService, siteSecret: SymmetricKey, clock: any WallClock) -> Webhooks {
        Webhooks(database: database, siteSecret: siteSecret, clock: clock)
    }

    /// The transport the configuration names.
    package static func transport(_ settings: ChannelSettings, logger: Logger) -> any SMSTransport {
        settings.transport == .log ? LogTransport(logger: logger) : HTTPTransport(settings: settings, logger: logger)
    }

    package func addRoutes(to router: Router<AppRequestContext>) {
        CallbacksController(
            settings: settings, outbox: outbox, delivery: delivery, actions: actions, menu: menu, database: database, clock: clock
        ).addRoutes(to: router)
        MessagesController(renderer: renderer, database: database, directory: directory, outbox: outbox, clock: clock).addRoutes(to: router)
        WebhooksController(renderer: renderer, webhooks: webhooks, catalog: catalog).addRoutes(to: router)
    }

    /// The delivery worker of a server process (none when the configuration leaves sending to other processes).
    package static func worker(
        database: DatabaseService, settings: ChannelSettings, transport: any SMSTransport, clock: any WallClock, logger: Logger
    ) -> DeliveryWorker? {
        guard settings.worker else { return nil }
        return DeliveryWorker(delivery: Delivery(database: database, transport: transport, settings: settings, clock: clock), logger: logger)
    }

    /// The webhooks' worker of a server process (none when the configuration leaves sending to other processes).
    package static func webhookWorker(
        database: DatabaseService, settings: ChannelSettings, webhooks: Webhooks, clock: any WallClock, logger: Logger
    ) -> WebhookWorker? {
        guard settings.worker else { return nil }
        return WebhookWorker(delivery: WebhookDelivery(database: database, webhooks: webhooks, settings: settings, clock: clock), logger: logger)
    }

    /// Sends what is due now, once (tests and the command line).
    package func deliverDue() async throws -> Int { try await delivery.runOnce() }

    package static var migrations: [any Migration] { [CreateChannelsTables(), CreateChannelEarlyReports(), CreateWebhookTables()] }

    package static var menu: [MenuEntry] {
        [
            MenuEntry(
                path: ChannelsRoute.messages.path(), label: "channels.menu.messages", description: "channels.menu.messages_description",
                roles: [.administrator, .centreManager]),
            MenuEntry(
                path: ChannelsRoute.webhooks.path(), label: "channels.menu.webhooks", description: "channels.menu.webhooks_description",
                roles: [.administrator]),
        ]
    }

    package static var resources: URL { Bundle.module.bundleURL.appendingPathComponent("Resources") }
}
