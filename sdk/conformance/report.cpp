#include "report.hpp"

#include <algorithm>
#include <iomanip>

namespace cx::conformance {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters; keep the text readable.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += '?';
        else out += c;
    }
  }
  return out;
}

}  // namespace

void Report::pass(std::string name, std::string detail) { results_.push_back({std::move(name), true, false, std::move(detail)}); }
void Report::fail(std::string name, std::string detail) { results_.push_back({std::move(name), false, false, std::move(detail)}); }
void Report::skip(std::string name, std::string detail) { results_.push_back({std::move(name), true, true, std::move(detail)}); }
void Report::check(bool ok, std::string name, std::string detail) {
  results_.push_back({std::move(name), ok, false, std::move(detail)});
}

void Report::apply_xfail(const std::set<std::string>& xfail) {
  for (auto& r : results_) {
    if (!xfail.count(r.name)) continue;
    if (!r.passed) {
      r.expected_failure = true;
    } else if (!r.skipped) {
      r.passed = false;
      r.detail = "listed as an expected failure but passes now: remove it from the list";
    }
  }
  for (const auto& name : xfail)
    if (std::none_of(results_.begin(), results_.end(), [&](const CheckResult& r) { return r.name == name; }))
      results_.push_back({name, false, false, "listed as an expected failure but no such check ran"});
}

bool Report::all_passed() const {
  return std::all_of(results_.begin(), results_.end(),
                     [](const CheckResult& r) { return r.passed || r.expected_failure; });
}

void Report::print_table(std::ostream& out) const {
  size_t width = 5;
  for (const auto& r : results_) width = std::max(width, r.name.size());
  size_t passed = 0, failed = 0, xfailed = 0, skipped = 0;
  for (const auto& r : results_) {
    const char* status = r.skipped ? "SKIP " : r.passed ? "PASS " : r.expected_failure ? "XFAIL" : "FAIL ";
    (r.skipped ? skipped : r.passed ? passed : r.expected_failure ? xfailed : failed)++;
    out << status << "  " << std::left << std::setw(static_cast<int>(width)) << r.name;
    if (!r.detail.empty()) out << "  " << r.detail;
    out << "\n";
  }
  out << passed << " passed, " << failed << " failed, " << xfailed << " expected failures, " << skipped
      << " skipped\n";
}

void Report::write_junit(std::ostream& out, const std::string& suite) const {
  size_t failures = 0, skipped = 0;
  for (const auto& r : results_) {
    if (r.skipped || r.expected_failure) ++skipped;
    else if (!r.passed) ++failures;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"" << xml_escape(suite)
      << "\" tests=\"" << results_.size() << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped
      << "\">\n";
  for (const auto& r : results_) {
    auto dot = r.name.find('.');
    std::string group = dot == std::string::npos ? r.name : r.name.substr(0, dot);
    out << "  <testcase classname=\"" << xml_escape(suite + "." + group) << "\" name=\"" << xml_escape(r.name) << "\"";
    if (r.passed && !r.skipped) {
      out << "/>\n";
    } else if (r.skipped || r.expected_failure) {
      out << "><skipped message=\"" << xml_escape((r.expected_failure ? "expected failure: " : "") + r.detail)
          << "\"/></testcase>\n";
    } else {
      out << "><failure message=\"" << xml_escape(r.detail) << "\"/></testcase>\n";
    }
  }
  out << "</testsuite>\n</testsuites>\n";
}

}  // namespace cx::conformance
