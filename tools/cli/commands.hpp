// The verbs, one file per resource. Extension point: a feature with verbs of its own adds
// commands_<feature>.cpp defining add_<feature>_commands, declares it here and appends it to
// kCommandModules; nothing else changes (help, completion and exit
// codes follow from the CLI11 tree and the shared Context).
#pragma once

#include "tools/cli/context.hpp"

namespace cx::cli {

using AddCommands = void (*)(CLI::App& root, Context& ctx);

void add_connector_commands(CLI::App& root, Context& ctx);      // connectors …
void add_psu_commands(CLI::App& root, Context& ctx);            // psus …, connections …
void add_account_commands(CLI::App& root, Context& ctx);        // accounts …, payments …
void add_bank_account_commands(CLI::App& root, Context& ctx);   // bank-accounts …
void add_task_commands(CLI::App& root, Context& ctx);           // tasks …, schedules …
void add_pool_commands(CLI::App& root, Context& ctx);           // pools …
void add_reconciliation_commands(CLI::App& root, Context& ctx); // reconciliation policies …, reconcile, list, get
void add_webhook_commands(CLI::App& root, Context& ctx);        // webhooks configs …, webhooks deliveries …

inline constexpr AddCommands kCommandModules[] = {
    add_connector_commands, add_psu_commands,  add_account_commands,         add_bank_account_commands,
    add_task_commands,      add_pool_commands, add_reconciliation_commands, add_webhook_commands,
};

/// `connectivity completion bash|zsh`: a completion script generated from the CLI11 tree.
void add_completion_command(CLI::App& root, Context& ctx);
/// The script for `shell` ("bash" or "zsh") completing every verb and option of `root`.
std::string completion_script(const CLI::App& root, const std::string& shell);

}  // namespace cx::cli
