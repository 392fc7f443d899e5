#include "tools/sandbox/generic/dataset.hpp"

#include "tools/sandbox/generic/timefmt.hpp"

#include <algorithm>
#include <stdexcept>

namespace cx::sandbox::generic {
namespace {

int64_t time_of(const boost::json::object& o, const char* field, int64_t fallback) {
  if (auto* v = o.if_contains(field); v && v->is_string())
    if (auto ms = parse_time(v->get_string())) return *ms;
  return fallback;
}

}  // namespace

int64_t Dataset::now_ms() const {
  std::lock_guard lock(mu_);
  return now_ms_;
}

void Dataset::upsert(List list, boost::json::object item) {
  auto* id = item.if_contains("id");
  if (!id || !id->is_string() || id->get_string().empty()) throw std::invalid_argument("item has no string \"id\"");
  std::lock_guard lock(mu_);
  Table& t = table(list);
  Row row;
  row.id = std::string(id->get_string());
  row.created_ms = time_of(item, "createdAt", now_ms_);
  row.updated_ms = list == List::Transactions ? time_of(item, "updatedAt", row.created_ms) : row.created_ms;
  row.body = std::move(item);
  if (auto it = t.index.find(row.id); it != t.index.end()) {
    row.seq = t.rows[it->second].seq;
    t.rows[it->second] = std::move(row);
  } else {
    row.seq = seq_++;
    t.index.emplace(row.id, t.rows.size());
    t.rows.push_back(std::move(row));
  }
  t.dirty = true;
}

bool Dataset::contains(List list, const std::string& id) const {
  std::lock_guard lock(mu_);
  return table(list).index.count(id) > 0;
}

std::optional<boost::json::object> Dataset::get(List list, const std::string& id) const {
  std::lock_guard lock(mu_);
  const Table& t = table(list);
  auto it = t.index.find(id);
  if (it == t.index.end()) return std::nullopt;
  return t.rows[it->second].body;
}

size_t Dataset::size(List list) const {
  std::lock_guard lock(mu_);
  return table(list).rows.size();
}

void Dataset::set_balances(const std::string& account, boost::json::array lines, std::optional<std::string> at) {
  std::lock_guard lock(mu_);
  balances_[account] = BalanceSet{std::move(lines), std::move(at)};
}

void Dataset::apply(const Effect& e) {
  std::lock_guard lock(mu_);
  apply_locked(e);
}

void Dataset::apply_locked(const Effect& e) {
  auto& lines = balances_[e.account].lines;
  for (auto& line : lines) {
    if (!line.is_object()) continue;
    auto& o = line.get_object();
    auto* cur = o.if_contains("currency");
    if (!cur || !cur->is_string() || cur->get_string() != e.currency) continue;
    auto* amt = o.if_contains("amount");
    try {
      int64_t v = amt && amt->is_string() ? std::stoll(std::string(amt->get_string())) : 0;
      o["amount"] = std::to_string(v + e.delta);
    } catch (const std::exception&) {
      // a user-provided amount that is not an integer stays as the user wrote it
    }
    return;
  }
  lines.push_back(boost::json::object{{"amount", std::to_string(e.delta)}, {"currency", e.currency}});
}

boost::json::object Dataset::balances_locked(const std::string& account, const BalanceSet& b) const {
  return {{"id", "bal_" + account}, {"accountID", account}, {"at", b.at ? *b.at : rfc3339(now_ms_)}, {"balances", b.lines}};
}

std::optional<boost::json::object> Dataset::balances(const std::string& account) const {
  std::lock_guard lock(mu_);
  auto it = balances_.find(account);
  if (it != balances_.end()) return balances_locked(account, it->second);
  if (table(List::Accounts).index.count(account)) return balances_locked(account, BalanceSet{});
  return std::nullopt;
}

void Dataset::schedule(const std::string& id, int64_t at_ms, std::vector<Effect> effects) {
  std::lock_guard lock(mu_);
  settlements_.push_back(Settlement{at_ms, id, std::move(effects)});
}

size_t Dataset::settle_until(int64_t until_ms) {
  std::lock_guard lock(mu_);
  std::stable_sort(settlements_.begin(), settlements_.end(),
                   [](const Settlement& a, const Settlement& b) { return a.at_ms < b.at_ms; });
  size_t n = 0;
  Table& t = table(List::Transactions);
  while (n < settlements_.size() && settlements_[n].at_ms <= until_ms) {
    const Settlement& s = settlements_[n++];
    if (auto it = t.index.find(s.id); it != t.index.end()) {
      Row& row = t.rows[it->second];
      row.body["status"] = "SUCCEEDED";
      row.body["updatedAt"] = rfc3339(s.at_ms);
      row.updated_ms = s.at_ms;
      t.dirty = true;
    }
    for (auto& e : s.effects) apply_locked(e);
  }
  settlements_.erase(settlements_.begin(), settlements_.begin() + static_cast<long>(n));
  now_ms_ = std::max(now_ms_, until_ms);
  return n;
}

void Dataset::refresh(const Table& t) const {
  if (!t.dirty) return;
  auto build = [&](std::vector<size_t>& v, bool updated) {
    v.resize(t.rows.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = i;
    std::sort(v.begin(), v.end(), [&](size_t a, size_t b) {
      const Row& ra = t.rows[a];
      const Row& rb = t.rows[b];
      int64_t ta = updated ? ra.updated_ms : ra.created_ms, tb = updated ? rb.updated_ms : rb.created_ms;
      return ta != tb ? ta < tb : ra.seq < rb.seq;
    });
  };
  build(t.by_created, false);
  build(t.by_updated, true);
  t.dirty = false;
}

boost::json::array Dataset::page(List list, const PageQuery& q) const {
  std::lock_guard lock(mu_);
  const Table& t = table(list);
  refresh(t);
  const auto& order = q.by_updated ? t.by_updated : t.by_created;
  auto key = [&](size_t i) { return q.by_updated ? t.rows[i].updated_ms : t.rows[i].created_ms; };
  // The bound on the sort field cuts a suffix of the sorted view (binary search, so a page costs
  // O(log n + pageSize), not O(n)); a bound on the other field is applied by a scan of that suffix.
  const auto& sort_bound = q.by_updated ? q.updated_from : q.created_from;
  const auto& other_bound = q.by_updated ? q.created_from : q.updated_from;
  auto lo = order.begin();
  if (sort_bound)
    lo = std::partition_point(order.begin(), order.end(), [&](size_t i) { return key(i) < *sort_bound; });
  std::vector<size_t> scanned;
  if (other_bound) {
    for (auto it = lo; it != order.end(); ++it) {
      const Row& r = t.rows[*it];
      if ((q.by_updated ? r.created_ms : r.updated_ms) >= *other_bound) scanned.push_back(*it);
    }
  }
  const size_t* hits = other_bound ? scanned.data() : order.data() + (lo - order.begin());
  const size_t count = other_bound ? scanned.size() : static_cast<size_t>(order.end() - lo);
  boost::json::array out;
  const size_t first = static_cast<size_t>((q.page - 1) * q.page_size);
  for (size_t k = first; k < count && k < first + static_cast<size_t>(q.page_size); ++k)
    out.push_back(t.rows[hits[q.descending ? count - 1 - k : k]].body);
  return out;
}

boost::json::object Dataset::truth() const {
  std::lock_guard lock(mu_);
  auto dump = [&](List l, bool updated) {
    const Table& t = table(l);
    refresh(t);
    boost::json::array a;
    for (size_t i : updated ? t.by_updated : t.by_created) a.push_back(t.rows[i].body);
    return a;
  };
  boost::json::array balances;
  for (auto& row : table(List::Accounts).rows) {
    auto it = balances_.find(row.id);
    balances.push_back(balances_locked(row.id, it == balances_.end() ? BalanceSet{} : it->second));
  }
  return {{"now", rfc3339(now_ms_)},
          {"accounts", dump(List::Accounts, false)},
          {"balances", std::move(balances)},
          {"beneficiaries", dump(List::Beneficiaries, false)},
          {"transactions", dump(List::Transactions, true)}};
}

}  // namespace cx::sandbox::generic
