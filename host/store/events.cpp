#include "host/store/events.hpp"

#include "host/store/sql.hpp"

namespace cx::store::events {
namespace {
// PostgreSQL hands out seq numbers before commit, so with several writers (nodes) seq 11 may commit
// while seq 10 is still in flight: a reader that moved a cursor past 11 would skip 10 for good.
// Appending transactions hold this advisory lock shared; settle() takes it exclusively, which
// waits until every transaction that may hold an unseen seq has ended.
constexpr const char* kAppendLock = "7461726576656e74";  // any constant shared by the nodes

void lock(WriteTx& tx, bool exclusive) {
  db::Statement& s = tx.prepare(std::string(exclusive ? "SELECT pg_advisory_xact_lock(" : "SELECT pg_advisory_xact_lock_shared(") +
                                "x'" + kAppendLock + "'::bigint)");
  while (s.step()) {
  }
}
}  // namespace

int64_t append(WriteTx& tx, std::string_view type, const boost::json::value& payload) {
  if (tx.backend() == db::Backend::postgres && !tx.events_lock_held) {
    lock(tx, false);
    tx.events_lock_held = true;
  }
  db::Statement& s = tx.prepare("INSERT INTO events (type, payload, created_at) VALUES (?, ?, ?) RETURNING seq");
  sql::bind_str(s, 1, type);
  s.bind(2, sql::json_text(payload));
  s.bind(3, tx.now());
  s.step();
  const int64_t seq = s.get_int64(0);
  // Finish the statement now: an INSERT left active keeps its statement journal open, and every
  // later write of the transaction then journals its pages too (ingest was 2x slower).
  s.reset();
  return seq;
}

void settle(WriteTx& tx) {
  if (tx.backend() == db::Backend::postgres) lock(tx, true);
}

std::vector<EventRecord> after(Tx& tx, int64_t after_seq, int limit) {
  db::Statement& s =
      tx.prepare("SELECT seq, type, payload, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, after_seq);
  s.bind(2, limit);
  std::vector<EventRecord> out;
  while (s.step()) {
    EventRecord e;
    e.seq = s.get_int64(0);
    e.type = sql::col_str(s, 1);
    e.payload = sql::json_from(sql::col_str(s, 2), "events.payload");
    e.created_at = s.get_int64(3);
    out.push_back(std::move(e));
  }
  return out;
}

void remove_upto(WriteTx& tx, int64_t upto) {
  db::Statement& s = tx.prepare("DELETE FROM events WHERE seq <= ?");
  s.bind(1, upto);
  s.exec();
}

}  // namespace cx::store::events
