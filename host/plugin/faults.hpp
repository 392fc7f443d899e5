// Plugin faults and quarantine. Every runner crash or hang kill of a connector is counted; past
// the budget (kBudget within kWindowMs) the connector is quarantined: its calls are refused
// without reaching the plugin until an operator lifts it (DELETE …/connectors/{id}/quarantine)
// or the daemon restarts with a different .so for its provider. Quarantines are kept in a JSON
// file in the data directory so a restart does not bring the crash loop back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cx::plugin {

/// Who a connector is, for log lines and the quarantine record.
struct ConnectorLabel {
  std::string id;        ///< encoded connector id
  std::string name;      ///< the config's "name"
  std::string provider;  ///< plugin id
  std::string plugin;    ///< path of the .so
};

struct QuarantineInfo {
  ConnectorLabel connector;
  std::string reason;         ///< e.g. "3 faults within 10 minutes, last: signal 11 (SIGSEGV) during fetch_accounts"
  int64_t since_ms = 0;       ///< UTC ms
  std::string plugin_sha256;  ///< digest of the .so when quarantined (hex)
};

class FaultBook {
 public:
  static constexpr int kBudget = 3;
  static constexpr int64_t kWindowMs = 10 * 60 * 1000;

  static FaultBook& get();

  /// Keeps quarantines in file from now on and loads those it holds. A quarantine whose .so now
  /// has another digest (the operator replaced the plugin) is lifted and logged.
  void open(const std::filesystem::path& file);

  /// Counts one fault (logged at warn); returns true when it put the connector in quarantine
  /// (logged at error with name, provider, .so and the fault).
  bool record(const ConnectorLabel& c, const std::string& what);
  /// Quarantines at once (the previous daemon died with an in-process op in flight).
  void quarantine(const ConnectorLabel& c, const std::string& reason);
  std::optional<QuarantineInfo> quarantined(const std::string& connector_id) const;
  /// Lifts a quarantine and clears the fault count; false when the connector was not quarantined.
  bool lift(const std::string& connector_id);
  /// Forgets a connector (uninstalled).
  void forget(const std::string& connector_id);
  std::vector<QuarantineInfo> all() const;

 private:
  void save_locked() const;
  mutable std::mutex mu_;
  std::filesystem::path file_;
  std::map<std::string, std::vector<int64_t>> faults_;
  std::map<std::string, QuarantineInfo> quarantined_;
};

/// SHA-256 of a file, hex (empty when unreadable).
std::string file_sha256(const std::filesystem::path& path);

/// In-process mode's record of ops in flight, in a memory-mapped file so it survives the
/// daemon's death: a counter per connector, raised before an op and lowered after (two atomic
/// operations, no system call). A clean stop clears it; at start, a connector whose counter
/// is not zero was inside its plugin when the previous process died.
class InflightJournal {
 public:
  static InflightJournal& get();
  /// Maps file; returns the connector ids left with an op in flight (and which op), then clears.
  std::vector<std::pair<std::string, std::string>> open(const std::filesystem::path& file);
  /// Slot of a connector (-1 when the journal is not open or full).
  int slot(const std::string& connector_id);
  void begin(int slot, int op);
  void end(int slot);
  /// Zeroes every counter (clean stop).
  void clear();

 private:
  struct Slot;
  Slot* slots_ = nullptr;
  std::mutex mu_;
};

}  // namespace cx::plugin
