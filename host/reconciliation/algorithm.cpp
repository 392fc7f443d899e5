#include "host/reconciliation/algorithm.hpp"

#include "host/store/amount_key.hpp"

#include <future>
#include <stdexcept>

namespace cx::recon {
namespace {

Balances normalised(const Balances& in, const char* side) {
  Balances out;
  for (const auto& [asset, amount] : in) {
    auto n = store::normalize_amount(amount);
    if (!n) throw std::invalid_argument(std::string(side) + " balance of " + asset + " is not an integer: \"" + amount + "\"");
    out.emplace(asset, std::move(*n));
  }
  return out;
}

std::string abs_amount(std::string a) { return a.starts_with('-') ? a.substr(1) : a; }

SideResult guarded(const Fetch& f, std::chrono::steady_clock::time_point deadline) {
  try {
    return f(deadline);
  } catch (const std::exception& e) {
    return SideError{e.what(), 0};
  }
}

}  // namespace

Outcome compare(const Balances& payments_in, const Balances& ledger_in) {
  Outcome o;
  o.payments = normalised(payments_in, "payments");
  o.ledger = normalised(ledger_in, "ledger");
  for (const auto& [asset, _] : o.payments) o.ledger.try_emplace(asset, "0");
  for (const auto& [asset, _] : o.ledger) o.payments.try_emplace(asset, "0");
  for (const auto& [asset, ledger] : o.ledger) {  // std::map: ascending asset order
    std::string drift = store::amount_add(o.payments.at(asset), ledger);
    if (drift != "0") {
      o.status = kStatusNotOk;
      if (!o.error.empty()) o.error += "; ";
      o.error += "balance drift for asset " + asset;
    }
    o.drift.emplace(asset, abs_amount(std::move(drift)));
  }
  return o;
}

std::variant<Outcome, FetchFailure> run(const Fetch& payments, const Fetch& ledger,
                                        std::chrono::steady_clock::time_point deadline) {
  auto ledger_future = std::async(std::launch::async, [&] { return guarded(ledger, deadline); });
  SideResult p = guarded(payments, deadline);
  SideResult l = ledger_future.get();
  if (auto* e = std::get_if<SideError>(&p)) return FetchFailure{"payments", e->message, e->http_status};
  if (auto* e = std::get_if<SideError>(&l)) return FetchFailure{"ledger", e->message, e->http_status};
  const auto& pb = std::get<Balances>(p);
  const auto& lb = std::get<Balances>(l);
  try {
    normalised(pb, "payments");
  } catch (const std::invalid_argument& e) {
    return FetchFailure{"payments", e.what(), 0};
  }
  try {
    normalised(lb, "ledger");
  } catch (const std::invalid_argument& e) {
    return FetchFailure{"ledger", e.what(), 0};
  }
  return compare(pb, lb);
}

}  // namespace cx::recon
