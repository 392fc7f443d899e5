// A temporary data directory with a store, the fixture plugins and an engine, for engine tests.
#pragma once

#include "host/engine/engine.hpp"
#include "host/util/encoding.hpp"
#include "host/util/ids.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

namespace cx::test {

struct Harness {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  plugin::Registry registry;
  std::unique_ptr<engine::Engine> engine;

  Harness() {
    dir = std::filesystem::temp_directory_path() / ("cx_engine_" + util::uuid_v4());
    std::filesystem::create_directories(dir);
    registry.load_directory(CX_FIXTURE_DIR);
    open();
  }
  ~Harness() {
    engine.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }

  void open() {
    store::DatabaseOptions opts;
    opts.path = dir / "connectivity.db";
    db = std::make_unique<store::Database>(opts, crypto::MasterKey::resolve(crypto::MasterKeySource{std::nullopt, std::nullopt, dir}));
    engine::EngineOptions o;
    o.config.minimum_polling_ms = 1000;
    o.public_url = "http://127.0.0.1:1";
    o.workers = 2;
    o.max_backoff_ms = 4000;
    engine = std::make_unique<engine::Engine>(*db, registry, o);
    engine->start();
  }
  /// Simulates a restart: the engine stops, the store closes, both come back on the same files.
  void restart() {
    engine.reset();
    db.reset();
    open();
  }

  std::vector<store::PaymentRecord> payments() {
    std::vector<store::PaymentRecord> all;
    db->read([&](store::ReadTx& tx) {
      for (int64_t off = 0;; off += 100) {
        auto page = store::payments::list(tx, store::PageQuery{std::nullopt, off, 100});
        all.insert(all.end(), page.items.begin(), page.items.end());
        if (!page.has_more) break;
      }
    });
    return all;
  }
  std::string plugin_state(const std::string& connector_id, const std::string& key) {
    return db->read([&](store::ReadTx& tx) { return store::plugin_state::get(tx, connector_id, key).value_or(""); });
  }
};

/// Polls pred every 20 ms for up to timeout; true when it held.
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace cx::test
