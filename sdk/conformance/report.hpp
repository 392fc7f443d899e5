// Named check results, printed as a table and written as JUnit XML.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace cx::conformance {

struct CheckResult {
  std::string name;    ///< "errors.fetch_accounts.429"
  bool passed = false;
  bool skipped = false;
  std::string detail;  ///< why it failed, or what it saw
  bool expected_failure = false;  ///< listed in --xfail and failed
};

class Report {
 public:
  void pass(std::string name, std::string detail = {});
  void fail(std::string name, std::string detail);
  void skip(std::string name, std::string detail);
  void check(bool ok, std::string name, std::string detail);

  /// Marks failures listed in xfail as expected; a listed check that passed becomes a failure
  /// ("now passes: remove it from the list").
  void apply_xfail(const std::set<std::string>& xfail);
  bool all_passed() const;

  void print_table(std::ostream& out) const;
  /// JUnit XML: one <testsuite name=suite>, one <testcase> per check.
  void write_junit(std::ostream& out, const std::string& suite) const;

 private:
  std::vector<CheckResult> results_;
};

}  // namespace cx::conformance
