#include "host/plugin/faults.hpp"

#include "host/plugin/ops.hpp"
#include "host/util/encoding.hpp"
#include "host/util/log.hpp"

#include <boost/json.hpp>
#include <botan/hash.h>

#include <atomic>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <unistd.h>

namespace cx::plugin {

FaultBook& FaultBook::get() {
  static FaultBook b;
  return b;
}

std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  auto h = Botan::HashFunction::create_or_throw("SHA-256");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h->update(reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(in.gcount()));
  }
  auto d = h->final();
  return util::hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

namespace {
boost::json::object to_json(const QuarantineInfo& q) {
  return {{"connectorID", q.connector.id}, {"name", q.connector.name},      {"provider", q.connector.provider},
          {"plugin", q.connector.plugin},  {"reason", q.reason},            {"since", q.since_ms},
          {"pluginSha256", q.plugin_sha256}};
}
std::string str(const boost::json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

void FaultBook::open(const std::filesystem::path& file) {
  std::lock_guard lock(mu_);
  file_ = file;
  std::ifstream in(file);
  if (!in) return;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) {
    util::log().error("plugin quarantine file {} is unreadable; starting with no quarantine", file.string());
    return;
  }
  bool changed = false;
  for (auto& e : v.get_array()) {
    if (!e.is_object()) continue;
    auto& o = e.get_object();
    QuarantineInfo q{{str(o, "connectorID"), str(o, "name"), str(o, "provider"), str(o, "plugin")},
                     str(o, "reason"),
                     o.contains("since") && o.at("since").is_int64() ? o.at("since").get_int64() : 0,
                     str(o, "pluginSha256")};
    if (q.connector.id.empty()) continue;
    std::string now = file_sha256(q.connector.plugin);
    if (!q.plugin_sha256.empty() && now != q.plugin_sha256) {
      util::log().warn("connector {} ({}): quarantine lifted, its plugin {} was replaced", q.connector.name,
                       q.connector.provider, q.connector.plugin);
      changed = true;
      continue;
    }
    util::log().error("connector {} ({}, {}) stays quarantined: {}", q.connector.name, q.connector.provider,
                      q.connector.plugin, q.reason);
    quarantined_[q.connector.id] = std::move(q);
  }
  if (changed) save_locked();
}

void FaultBook::save_locked() const {
  if (file_.empty()) return;
  boost::json::array a;
  for (auto& [id, q] : quarantined_) a.push_back(to_json(q));
  auto tmp = file_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << boost::json::serialize(a);
    if (!out) {
      util::log().error("cannot write plugin quarantine file {}", tmp.string());
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec) util::log().error("cannot write plugin quarantine file {}: {}", file_.string(), ec.message());
}

bool FaultBook::record(const ConnectorLabel& c, const std::string& what) {
  const int64_t now = util::now_ms();
  std::lock_guard lock(mu_);
  auto& times = faults_[c.id];
  std::erase_if(times, [&](int64_t t) { return t < now - kWindowMs; });
  times.push_back(now);
  util::log().warn("connector {} ({}): plugin runner {} ({} of {} faults allowed within 10 minutes)", c.name,
                   c.provider, what, times.size(), kBudget);
  if (static_cast<int>(times.size()) < kBudget || quarantined_.count(c.id)) return false;
  QuarantineInfo q{c, std::to_string(times.size()) + " faults within 10 minutes, last: " + what, now,
                   file_sha256(c.plugin)};
  util::log().error("connector {} ({}, plugin {}) quarantined: {}; its calls are refused until "
                    "DELETE /api/payments/v3/connectors/{}/quarantine or a restart with a replaced plugin",
                    c.name, c.provider, c.plugin, q.reason, c.id);
  quarantined_[c.id] = std::move(q);
  save_locked();
  return true;
}

void FaultBook::quarantine(const ConnectorLabel& c, const std::string& reason) {
  std::lock_guard lock(mu_);
  util::log().error("connector {} ({}, plugin {}) quarantined: {}", c.name, c.provider, c.plugin, reason);
  quarantined_[c.id] = QuarantineInfo{c, reason, util::now_ms(), file_sha256(c.plugin)};
  save_locked();
}

std::optional<QuarantineInfo> FaultBook::quarantined(const std::string& id) const {
  std::lock_guard lock(mu_);
  if (quarantined_.empty()) return std::nullopt;
  auto it = quarantined_.find(id);
  if (it == quarantined_.end()) return std::nullopt;
  return it->second;
}

bool FaultBook::lift(const std::string& id) {
  std::lock_guard lock(mu_);
  faults_.erase(id);
  auto it = quarantined_.find(id);
  if (it == quarantined_.end()) return false;
  util::log().warn("connector {} ({}): quarantine lifted by an operator", it->second.connector.name,
                   it->second.connector.provider);
  quarantined_.erase(it);
  save_locked();
  return true;
}

void FaultBook::forget(const std::string& id) {
  std::lock_guard lock(mu_);
  faults_.erase(id);
  if (quarantined_.erase(id)) save_locked();
}

std::vector<QuarantineInfo> FaultBook::all() const {
  std::lock_guard lock(mu_);
  std::vector<QuarantineInfo> out;
  for (auto& [id, q] : quarantined_) out.push_back(q);
  return out;
}

// ---- in-flight journal ----

struct InflightJournal::Slot {
  char id[244];
  std::atomic<int32_t> op;
  std::atomic<int32_t> count;
  int32_t used;
};
static_assert(sizeof(std::atomic<int32_t>) == 4);
namespace {
constexpr size_t kSlots = 2048;
}

InflightJournal& InflightJournal::get() {
  static InflightJournal j;
  return j;
}

std::vector<std::pair<std::string, std::string>> InflightJournal::open(const std::filesystem::path& file) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> left;
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return left;
  const size_t size = kSlots * sizeof(Slot);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    ::close(fd);
    return left;
  }
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return left;
  slots_ = static_cast<Slot*>(p);
  for (size_t i = 0; i < kSlots; ++i) {
    Slot& s = slots_[i];
    if (s.used && s.count.load() > 0) {
      int op = s.op.load();
      std::string name = op >= 0 && op < static_cast<int>(std::size(kOps)) ? kOps[op].name : "an op";
      left.emplace_back(std::string(s.id, strnlen(s.id, sizeof s.id)), name);
    }
  }
  std::memset(p, 0, size);
  return left;
}

int InflightJournal::slot(const std::string& connector_id) {
  std::lock_guard lock(mu_);
  if (!slots_ || connector_id.size() >= sizeof(Slot::id)) return -1;
  for (size_t i = 0; i < kSlots; ++i) {
    Slot& s = slots_[i];
    if (s.used && connector_id == std::string_view(s.id, strnlen(s.id, sizeof s.id))) return static_cast<int>(i);
    if (!s.used) {
      std::memcpy(s.id, connector_id.data(), connector_id.size());
      s.id[connector_id.size()] = 0;
      s.used = 1;
      return static_cast<int>(i);
    }
  }
  return -1;
}

void InflightJournal::begin(int slot, int op) {
  if (slot < 0 || !slots_) return;
  slots_[slot].op.store(op, std::memory_order_relaxed);
  slots_[slot].count.fetch_add(1, std::memory_order_relaxed);
}

void InflightJournal::end(int slot) {
  if (slot < 0 || !slots_) return;
  slots_[slot].count.fetch_sub(1, std::memory_order_relaxed);
}

void InflightJournal::clear() {
  std::lock_guard lock(mu_);
  if (!slots_) return;
  for (size_t i = 0; i < kSlots; ++i) slots_[i].count.store(0);
}

}  // namespace cx::plugin
