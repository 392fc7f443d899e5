// PostgreSQL driver over libpqxx: the store shared by several nodes. Parameters travel as text
// with an explicit cast chosen from the bound type (`$1::bigint`, `$2::text`, `$3::bytea` as
// hex), so an expression such as `? + ?` is typed the way SQLite would compute it.
#include "host/store/db/driver.hpp"

#include <pqxx/pqxx>

#include <unordered_map>


namespace cx::store::db {
namespace {

constexpr pqxx::oid kByteaOid = 17;

[[noreturn]] void rethrow_pg(const std::exception& e, const std::string& sql) {
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e))
    throw ForeignKeyError(std::string("postgres: ") + e.what() + " in: " + sql);
  if (dynamic_cast<const pqxx::check_violation*>(&e) || dynamic_cast<const pqxx::not_null_violation*>(&e))
    throw CheckError(std::string("postgres: ") + e.what() + " in: " + sql);
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e))
    throw ConstraintError(std::string("postgres: ") + e.what() + " in: " + sql);
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e))
    throw ContentionError(std::string("postgres: ") + e.what() + " in: " + sql);
  throw DriverError(std::string("postgres: ") + e.what() + " in: " + sql);
}

class PgConnection;

class PgStatement final : public Statement {
 public:
  PgStatement(PgConnection& c, const std::string& sql) : conn_(c), sql_(sql) {}
  void bind(int i, int64_t v) override { set(i, Kind::int64, std::to_string(v)); }
  void bind(int i, std::string_view t) override { set(i, Kind::text, std::string(t)); }
  void bind_blob(int i, const std::vector<uint8_t>& b) override {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s = "\\x";
    s.reserve(2 + b.size() * 2);
    for (uint8_t c : b) {
      s += hex[c >> 4];
      s += hex[c & 15];
    }
    set(i, Kind::blob, std::move(s));
  }
  void bind_null(int i) override { set(i, Kind::null, {}); }

  bool step() override {
    if (!ran_) run();
    return ++row_ < static_cast<long>(res_.size());
  }
  int64_t exec() override {
    run();
    return static_cast<int64_t>(res_.affected_rows());
  }
  void reset() override {
    ran_ = false;
    row_ = -1;
    res_ = pqxx::result();
    params_.clear();
  }
  int column_count() override { return static_cast<int>(res_.columns()); }
  bool is_null(int c) override { return field(c).is_null(); }
  int64_t get_int64(int c) override {
    auto f = field(c);
    return f.is_null() ? 0 : f.as<int64_t>();
  }
  std::string get_text(int c) override {
    auto f = field(c);
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }
  std::vector<uint8_t> get_blob(int c) override {
    auto f = field(c);
    if (f.is_null()) return {};
    if (res_.column_type(c) != kByteaOid) return std::vector<uint8_t>(f.c_str(), f.c_str() + f.size());
    pqxx::binarystring b(f);
    return std::vector<uint8_t>(b.data(), b.data() + b.size());
  }

 private:
  enum class Kind { unset, null, int64, text, blob };
  struct Param {
    Kind kind = Kind::unset;
    std::string value;
  };
  void set(int i, Kind k, std::string v) {
    if (i < 1) throw DriverError("parameter index " + std::to_string(i) + " out of range in: " + sql_);
    if (params_.size() < static_cast<size_t>(i)) params_.resize(static_cast<size_t>(i));
    params_[static_cast<size_t>(i - 1)] = {k, std::move(v)};
  }
  pqxx::field field(int c) {
    if (row_ < 0 || row_ >= static_cast<long>(res_.size()) || c < 0 || c >= static_cast<int>(res_.columns()))
      throw DriverError("column " + std::to_string(c) + " read outside a row in: " + sql_);
    return res_[static_cast<pqxx::result::size_type>(row_)][c];
  }
  void run();

  PgConnection& conn_;
  std::string sql_;
  std::vector<Param> params_;
  pqxx::result res_;
  long row_ = -1;
  bool ran_ = false;
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& uri) : c_(uri) {}
  Backend backend() const override { return Backend::postgres; }
  std::unique_ptr<Statement> prepare(const std::string& sql) override {
    return std::make_unique<PgStatement>(*this, sql);
  }
  void exec_script(const std::string& sql) override {
    try {
      if (tx_) {
        tx_->exec(sql);
      } else {
        pqxx::nontransaction n(c_);
        n.exec(sql);
      }
    } catch (const std::exception& e) {
      rethrow_pg(e, sql);
    }
  }
  void begin(bool write) override {
    if (tx_) throw DriverError("postgres: transaction already open");
    tx_ = std::make_unique<pqxx::work>(c_);
    // A read sees one snapshot throughout, as a SQLite read transaction does (a page and its
    // "has more" agree); writes stay READ COMMITTED, their claims re-checked by row locks.
    if (!write) {
      try {
        tx_->exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      } catch (const std::exception& e) {
        tx_.reset();
        rethrow_pg(e, "SET TRANSACTION");
      }
    }
  }
  void commit() override {
    if (!tx_) throw DriverError("postgres: commit without a transaction");
    auto tx = std::move(tx_);
    try {
      tx->commit();
    } catch (const std::exception& e) {
      rethrow_pg(e, "COMMIT");
    }
  }
  /// Never throws: it runs while another exception is on its way out (a broken connection
  /// rolls the transaction back on the server anyway).
  void rollback() override {
    if (!tx_) return;
    auto tx = std::move(tx_);
    try {
      tx->abort();
    } catch (const std::exception&) {
    }
  }

  /// Runs sql as a server-side prepared statement (parsed and planned once per connection).
  pqxx::result run(const std::string& sql, const std::vector<const char*>& params) {
    auto [it, fresh] = prepared_.try_emplace(sql, "cx" + std::to_string(prepared_.size() + 1));
    if (fresh) {
      try {
        c_.prepare(it->second, sql);
      } catch (...) {
        prepared_.erase(it);
        throw;
      }
    }
    if (tx_) return tx_->exec_prepared(it->second, pqxx::prepare::make_dynamic_params(params));
    pqxx::nontransaction n(c_);
    return n.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(params));
  }

 private:
  pqxx::connection c_;
  std::unique_ptr<pqxx::work> tx_;
  std::unordered_map<std::string, std::string> prepared_;  // final SQL → statement name
};

void PgStatement::run() {
  // The SQL with each $N cast to its bound type; values as text (NULL → null pointer).
  std::string sql = numbered_placeholders(sql_, [&](int n) -> std::string {
    Kind kind = n >= 1 && static_cast<size_t>(n) <= params_.size() ? params_[static_cast<size_t>(n - 1)].kind : Kind::unset;
    switch (kind) {
      case Kind::unset: throw DriverError("parameter " + std::to_string(n) + " not bound in: " + sql_);
      case Kind::int64: return "::bigint";
      case Kind::text: return "::text";
      case Kind::blob: return "::bytea";
      case Kind::null: return "";
    }
    return "";
  });
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p.kind == Kind::null || p.kind == Kind::unset ? nullptr : p.value.c_str());
  try {
    res_ = conn_.run(sql, values);
  } catch (const std::exception& e) {
    rethrow_pg(e, sql_);
  }
  ran_ = true;
  row_ = -1;
}

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& uri) {
  try {
    return std::make_unique<PgConnection>(uri);
  } catch (const std::exception& e) {
    throw DriverError(std::string("postgres: cannot connect: ") + e.what());
  }
}

}  // namespace cx::store::db
