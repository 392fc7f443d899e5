#include "host/store/database.hpp"

#include "host/store/connection.hpp"
#include "host/store/data_steps.hpp"
#include "host/store/db/store_schema.hpp"
#include "host/store/migrations.hpp"
#include "host/util/encoding.hpp"

#include <botan/mem_ops.h>
#include <sqlite3.h>

#include <fstream>

namespace cx::store {
namespace {

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Cheap checks before SQLite sees the file, so a truncated or foreign file is reported by path
// instead of surfacing later as "database disk image is malformed" in the middle of a request.
void check_file(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) return;  // missing or empty: SQLite creates a new database
  if (size < 100)
    throw CorruptDatabase("database " + path.string() + " is truncated (" + std::to_string(size) +
                          " bytes, shorter than a SQLite header)");
  unsigned char h[100];
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(h), sizeof h))
    throw CorruptDatabase("cannot read the header of database " + path.string());
  if (std::memcmp(h, "SQLite format 3", 16) != 0)
    throw CorruptDatabase("database " + path.string() + " is not a SQLite database (bad header)");
  uint64_t page_size = (uint32_t{h[16]} << 8) | h[17];
  if (page_size == 1) page_size = 65536;
  uint64_t pages = be32(h + 28);
  bool count_valid = be32(h + 24) == be32(h + 92);  // in-header size is valid (SQLite ≥ 3.7.0)
  auto wal_size = std::filesystem::file_size(path.string() + "-wal", ec);
  bool wal_pending = !ec && wal_size > 0;  // the WAL may legitimately hold the newest pages
  if (count_valid && !wal_pending && size < pages * page_size)
    throw CorruptDatabase("database " + path.string() + " is truncated: its header says " +
                          std::to_string(pages * page_size) + " bytes, the file has " + std::to_string(size));
}

// Version table of the PostgreSQL schema (SQLite keeps its schema_migrations with names).
constexpr const char* kPgVersionTable = "schema_migrations";

// Database errors become the store's: constraint kinds the API maps, corruption with the path.
[[noreturn]] void rethrow_translated(const std::string& path) {
  try {
    throw;
  } catch (const db::ForeignKeyError& e) {
    throw InvalidReference(std::string(e.what()) + " (a referenced row does not exist)");
  } catch (const db::CheckError& e) {
    throw InvalidValue(e.what());
  } catch (const db::ConstraintError& e) {
    throw Conflict(e.what());
  } catch (const db::ContentionError& e) {
    throw Contention("database " + path + ": " + e.what());
  } catch (const db::DriverError& e) {
    throw StoreError("database " + path + ": " + e.what());
  } catch (const SQLite::Exception& e) {
    switch (e.getExtendedErrorCode()) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY:
        throw Conflict(e.what());
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        throw InvalidReference(std::string(e.what()) + " (a referenced row does not exist)");
      case SQLITE_CONSTRAINT_CHECK:
      case SQLITE_CONSTRAINT_NOTNULL:
        throw InvalidValue(e.what());
      default:
        break;
    }
    if (e.getErrorCode() == SQLITE_CORRUPT || e.getErrorCode() == SQLITE_NOTADB)
      throw CorruptDatabase("database " + path + " is corrupt: " + e.what());
    throw StoreError("database " + path + ": " + e.what());
  }
}

}  // namespace

Database::Database(DatabaseOptions options, crypto::MasterKey master)
    : options_(std::move(options)), keyring_(std::make_unique<crypto::Keyring>(std::move(master))) {
  if (!options_.clock) options_.clock = [] { return util::now_ms(); };
  if (options_.readers < 1) options_.readers = 1;
  if (options_.url && options_.url->backend == db::Backend::sqlite) options_.path = options_.url->sqlite_dir / "connectivity.db";
  if (options_.url && options_.url->backend == db::Backend::postgres) open_postgres();
  else open_sqlite();
  check_master_key();
  write([&](WriteTx& tx) {
    blind_index_ =
        std::make_unique<crypto::BlindIndex>(tx.data_key_for_write(crypto::KeyOwner::system("blind-index")));
  });
  write([](WriteTx& tx) { data_steps::run_pending(tx); });
  for (int i = 0; i < options_.readers; ++i) {
    readers_.push_back(open_connection(false));
    idle_readers_.push_back(readers_.back().get());
  }
}

void Database::open_sqlite() {
  location_ = options_.path.string();
  if (options_.path.has_parent_path()) std::filesystem::create_directories(options_.path.parent_path());
  check_file(options_.path);
  try {
    writer_ = open_connection(true);
    // Reading the schema touches page 1 and the schema pages: a foreign or damaged file fails here.
    writer_->db().exec("SELECT count(*) FROM sqlite_master");
    if (options_.integrity_check) {
      SQLite::Statement s(writer_->db(), "PRAGMA quick_check(1)");
      if (s.executeStep() && s.getColumn(0).getString() != "ok")
        throw CorruptDatabase("database " + options_.path.string() + " failed its integrity check: " +
                              s.getColumn(0).getString());
    }
    migrate(writer_->db(), options_.path);
  } catch (const StoreError&) {
    throw;
  } catch (...) {
    rethrow_translated(location_);
  }
}

void Database::open_postgres() {
  backend_ = db::Backend::postgres;
  location_ = options_.url->redacted();
  try {
    writer_ = open_connection(true);
    // Each migration runs in its own transaction and is re-checked under it, so nodes starting
    // together apply it once.
    // A database newer than this binary is refused (DriverError, reported as a StoreError).
    db::migrate(writer_->boundary(), kPgVersionTable, db::store_migrations());
  } catch (const StoreError&) {
    throw;
  } catch (...) {
    rethrow_translated(location_);
  }
}

Database::~Database() {
  readers_.clear();
  writer_.reset();
}

std::unique_ptr<Connection> Database::open_connection(bool writer) {
  try {
    if (backend_ == db::Backend::postgres) return std::make_unique<Connection>(db::connect(*options_.url));
    return std::make_unique<Connection>(options_.path, writer, options_.busy_timeout_ms);
  } catch (...) {
    rethrow_translated(location_);
  }
}

void Database::check_master_key() {
  write([&](WriteTx& tx) {
    auto master = keyring_->master();
    auto check = master->check_value();
    db::Statement& s = tx.prepare("SELECT kek_id, check_value FROM keyring WHERE singleton = 1");
    if (s.step()) {
      std::string stored_id = s.get_text(0);
      auto stored = s.get_blob(1);
      bool same = stored.size() == check.size() && Botan::constant_time_compare(stored.data(), check.data(), check.size());
      if (!same)
        throw crypto::KeyError("the master key (id " + master->id() + ") does not match database " +
                               location_ + ", which was encrypted under master key id " + stored_id +
                               "; start with the key this database was created with (--master-key-file or "
                               "CONNECTIVITY_MASTER_KEY)");
      return;
    }
    db::Statement& n = tx.prepare("SELECT count(*) FROM data_keys");
    n.step();
    if (n.get_int64(0) > 0)
      throw crypto::KeyError("database " + location_ +
                             " has data keys but no key check value; refusing to guess the master key");
    db::Statement& ins =
        tx.prepare("INSERT INTO keyring (singleton, kek_id, check_value, updated_at) VALUES (1, ?, ?, ?)");
    ins.bind(1, master->id());
    ins.bind_blob(2, check);
    ins.bind(3, tx.now());
    ins.exec();
  });
}

void Database::run_write(const std::function<void(WriteTx&)>& fn) {
  std::lock_guard lock(write_mutex_);
  Connection& c = *writer_;
  WriteTx tx(*this, c);
  try {
    c.begin(true);
    fn(tx);
    c.release_statements();
    c.commit();
  } catch (...) {
    c.release_statements();
    c.rollback();
    rethrow_translated(location_);
  }
  for (auto& [owner, key] : tx.pending_keys_) keyring_->remember(owner, key);
  for (auto& owner : tx.destroyed_keys_) keyring_->forget(owner);
  for (auto& f : tx.after_commit_) f();
}

Connection* Database::acquire_reader() {
  std::unique_lock lock(readers_mutex_);
  readers_cv_.wait(lock, [&] { return !idle_readers_.empty(); });
  Connection* c = idle_readers_.back();
  idle_readers_.pop_back();
  return c;
}

void Database::release_reader(Connection* c) {
  {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(c);
  }
  readers_cv_.notify_one();
}

void Database::run_read(const std::function<void(ReadTx&)>& fn) {
  Connection* c = acquire_reader();
  ReadTx tx(*this, *c);
  try {
    c->begin(false);
    fn(tx);
    c->release_statements();
    c->commit();
  } catch (...) {
    c->release_statements();
    c->rollback();
    release_reader(c);
    rethrow_translated(location_);
  }
  release_reader(c);
}

void Database::checkpoint() {
  if (backend_ != db::Backend::sqlite) return;
  std::lock_guard lock(write_mutex_);
  SQLite::Statement s(writer_->db(), "PRAGMA wal_checkpoint(TRUNCATE)");
  s.executeStep();
  if (s.getColumn(0).getInt() != 0)
    throw StoreError("WAL checkpoint of " + options_.path.string() + " could not finish: a reader is still open");
}

void Database::release_memory() {
  if (backend_ != db::Backend::sqlite) return;
  {
    std::lock_guard lock(write_mutex_);
    sqlite3_db_release_memory(writer_->db().getHandle());
  }
  std::lock_guard lock(readers_mutex_);  // idle readers cannot be taken meanwhile
  for (Connection* c : idle_readers_) sqlite3_db_release_memory(c->db().getHandle());
}

int Database::schema_version() {
  std::lock_guard lock(write_mutex_);
  if (backend_ == db::Backend::sqlite) return applied_version(writer_->db());
  auto s = writer_->boundary().prepare(std::string("SELECT COALESCE(MAX(version), 0) FROM ") + kPgVersionTable);
  s->step();
  return static_cast<int>(s->get_int64(0));
}

int Database::latest_schema_version() { return migrations().back().version; }

int64_t Database::now() const { return options_.clock(); }

}  // namespace cx::store
