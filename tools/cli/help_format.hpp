// --help as a manual page: NAME, SYNOPSIS, ARGUMENTS, OPTIONS, COMMANDS, then the verb's footer
// (DESCRIPTION, EXAMPLES, ENVIRONMENT, FILES, EXIT STATUS; see verb() in context.hpp).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace cx::cli {

/// A CLI11 formatter (its public extension point) printing the man-page sections. Set it on the
/// root before adding subcommands: they inherit it.
std::shared_ptr<CLI::Formatter> man_formatter();

}  // namespace cx::cli
