// SPDX-License-Identifier: MPL-2.0
import FluentKit
import SQLKit

/// How many tickets wait in each service, kept by the database itself: triggers on `centre_tickets` add one when a ticket
/// starts waiting (issued, transferred) and take one away when it stops (called, deleted), whatever the code that writes
/// it. Counting the waiting tickets instead read each of them, on every console read and for every ticket's place: with
/// thousands waiting, milliseconds each time.
struct CreateWaitingCounts: AsyncMigration {
    static let table = "centre_waiting"

    var name: String { "2026-12-08-01-CreateWaitingCounts" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("CREATE TABLE centre_waiting (service_id TEXT PRIMARY KEY, waiting INTEGER NOT NULL)").run()
        for statement in sql.dialect.name == "postgresql" ? Self.postgresTriggers : Self.sqliteTriggers {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
        try await Self.rebuild(on: sql)
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS centre_waiting_count ON centre_tickets").run()
            try await sql.raw("DROP FUNCTION IF EXISTS centre_waiting_count()").run()
        } else {
            for trigger in ["centre_waiting_insert", "centre_waiting_update", "centre_waiting_delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger)").run()
            }
        }
        try await sql.raw("DROP TABLE centre_waiting").run()
    }

    /// The counts made again from the tickets (after a copy that brought the tickets, not the counts).
    static func rebuild(on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM centre_waiting").run()
        try await sql.raw(
            """
            INSERT INTO centre_waiting (service_id, waiting) SELECT service_id, COUNT(*) FROM centre_tickets WHERE status = 'waiting' \
            GROUP BY service_id
            """
        ).run()
    }

    static let sqliteTriggers = [
        """
        CREATE TRIGGER centre_waiting_insert AFTER INSERT ON centre_tickets WHEN NEW.status = 'waiting' BEGIN
        INSERT INTO centre_waiting (service_id, waiting) VALUES (NEW.service_id, 1)
        ON CONFLICT (service_id) DO UPDATE SET waiting = waiting + 1;
        END
        """,
        """
        CREATE TRIGGER centre_waiting_update AFTER UPDATE OF status, service_id ON centre_tickets
        WHEN OLD.status = 'waiting' OR NEW.status = 'waiting' BEGIN
        UPDATE centre_waiting SET waiting = waiting - 1 WHERE OLD.status = 'waiting' AND service_id = OLD.service_id;
        INSERT INTO centre_waiting (service_id, waiting) SELECT NEW.service_id, 1 WHERE NEW.status = 'waiting'
        ON CONFLICT (service_id) DO UPDATE SET waiting = waiting + 1;
        END
        """,
        """
        CREATE TRIGGER centre_waiting_delete AFTER DELETE ON centre_tickets WHEN OLD.status = 'waiting' BEGIN
        UPDATE centre_waiting SET waiting = waiting - 1 WHERE service_id = OLD.service_id;
        END
        """,
    ]

    static let postgresTriggers = [
        """
        CREATE FUNCTION centre_waiting_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                IF OLD.status = 'waiting' THEN
                    UPDATE centre_waiting SET waiting = waiting - 1 WHERE service_id = OLD.service_id;
                END IF;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                IF NEW.status = 'waiting' THEN
                    INSERT INTO centre_waiting (service_id, waiting) VALUES (NEW.service_id, 1)
                    ON CONFLICT (service_id) DO UPDATE SET waiting = centre_waiting.waiting + 1;
                END IF;
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER centre_waiting_count AFTER INSERT OR UPDATE OF status, service_id OR DELETE ON centre_tickets
        FOR EACH ROW EXECUTE FUNCTION centre_waiting_count()
        """,
    ]
}
