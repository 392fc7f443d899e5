// connectivity's exit status (documented in every --help under EXIT STATUS).
#pragma once

namespace cx::cli::exit_code {
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;     ///< anything else: a local file unreadable, an unexpected answer
inline constexpr int kUsage = 2;       ///< bad command line (unknown verb, missing argument, bad value)
inline constexpr int kApi = 3;         ///< the API answered an error (errorCode and message on stderr)
inline constexpr int kConnection = 4;  ///< the daemon could not be reached
}  // namespace cx::cli::exit_code
