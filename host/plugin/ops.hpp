// The operation and capability tables of ABI 1.0: names, descriptor slots and which capability
// bit promises which slots. Everything that enumerates ops (loader validation, cx-inspect,
// metrics, the engine) reads these tables instead of repeating the list.
#pragma once

#include <connectivity/abi.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

namespace cx::plugin {

enum class Op {
  Install, Uninstall, CreateWebhooks, VerifyWebhook, TranslateWebhook,
  FetchAccounts, FetchBalances, FetchExternalAccounts, FetchPayments,
  CreateUser, CreateUserLink, UpdateUserLink, CompleteUserLink, DeleteUser, DeleteUserConnection,
  CreateBankAccount, CreateTransfer, CreatePayout,
};

struct OpInfo {
  Op op;
  const char* name;  ///< snake_case, as in abi.h and sdk/schemas/<name>.*.json
  cx_op_fn cx_connector::*slot;
};

inline constexpr OpInfo kOps[] = {
    {Op::Install, "install", &cx_connector::install},
    {Op::Uninstall, "uninstall", &cx_connector::uninstall},
    {Op::CreateWebhooks, "create_webhooks", &cx_connector::create_webhooks},
    {Op::VerifyWebhook, "verify_webhook", &cx_connector::verify_webhook},
    {Op::TranslateWebhook, "translate_webhook", &cx_connector::translate_webhook},
    {Op::FetchAccounts, "fetch_accounts", &cx_connector::fetch_accounts},
    {Op::FetchBalances, "fetch_balances", &cx_connector::fetch_balances},
    {Op::FetchExternalAccounts, "fetch_external_accounts", &cx_connector::fetch_external_accounts},
    {Op::FetchPayments, "fetch_payments", &cx_connector::fetch_payments},
    {Op::CreateUser, "create_user", &cx_connector::create_user},
    {Op::CreateUserLink, "create_user_link", &cx_connector::create_user_link},
    {Op::UpdateUserLink, "update_user_link", &cx_connector::update_user_link},
    {Op::CompleteUserLink, "complete_user_link", &cx_connector::complete_user_link},
    {Op::DeleteUser, "delete_user", &cx_connector::delete_user},
    {Op::DeleteUserConnection, "delete_user_connection", &cx_connector::delete_user_connection},
    {Op::CreateBankAccount, "create_bank_account", &cx_connector::create_bank_account},
    {Op::CreateTransfer, "create_transfer", &cx_connector::create_transfer},
    {Op::CreatePayout, "create_payout", &cx_connector::create_payout},
};

constexpr const OpInfo& info(Op op) { return kOps[static_cast<int>(op)]; }
constexpr const char* op_name(Op op) { return info(op).name; }

struct CapabilityInfo {
  uint64_t bit;
  const char* name;            ///< the v3 API's capability string
  bool api_visible;            ///< one of the reference's 14 values (OPEN_BANKING is implied, not listed)
  std::vector<Op> requires_ops;
};

inline const std::vector<CapabilityInfo>& capabilities() {
  static const std::vector<CapabilityInfo> kCaps = {
      {CX_CAP_FETCH_ACCOUNTS, "FETCH_ACCOUNTS", true, {Op::FetchAccounts}},
      {CX_CAP_FETCH_BALANCES, "FETCH_BALANCES", true, {Op::FetchBalances}},
      {CX_CAP_FETCH_EXTERNAL_ACCOUNTS, "FETCH_EXTERNAL_ACCOUNTS", true, {Op::FetchExternalAccounts}},
      {CX_CAP_FETCH_PAYMENTS, "FETCH_PAYMENTS", true, {Op::FetchPayments}},
      {CX_CAP_CREATE_WEBHOOKS, "CREATE_WEBHOOKS", true, {Op::CreateWebhooks}},
      {CX_CAP_TRANSLATE_WEBHOOKS, "TRANSLATE_WEBHOOKS", true, {Op::VerifyWebhook, Op::TranslateWebhook}},
      {CX_CAP_CREATE_BANK_ACCOUNT, "CREATE_BANK_ACCOUNT", true, {Op::CreateBankAccount}},
      {CX_CAP_CREATE_TRANSFER, "CREATE_TRANSFER", true, {Op::CreateTransfer}},
      {CX_CAP_CREATE_PAYOUT, "CREATE_PAYOUT", true, {Op::CreatePayout}},
      {CX_CAP_ALLOW_ACCOUNT_CREATION, "ALLOW_FORMANCE_ACCOUNT_CREATION", true, {}},
      {CX_CAP_ALLOW_PAYMENT_CREATION, "ALLOW_FORMANCE_PAYMENT_CREATION", true, {}},
      {CX_CAP_OPEN_BANKING, "OPEN_BANKING", false,
       {Op::CreateUser, Op::CreateUserLink, Op::UpdateUserLink, Op::CompleteUserLink, Op::DeleteUser,
        Op::DeleteUserConnection}},
  };
  return kCaps;
}

/// Capability names of a bitmask, in table order; api_only drops the ones the v3 API never lists.
inline std::vector<std::string_view> capability_names(uint64_t bits, bool api_only) {
  std::vector<std::string_view> out;
  for (auto& c : capabilities())
    if ((bits & c.bit) && (!api_only || c.api_visible)) out.push_back(c.name);
  return out;
}

}  // namespace cx::plugin
