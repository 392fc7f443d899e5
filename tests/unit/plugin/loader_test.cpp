// Each one-fault fixture (tests/abi/fixtures) is refused with its own message, in the fixed order.
#include "host/plugin/registry.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using cx::plugin::LoadError;
using cx::plugin::PluginLibrary;
namespace fs = std::filesystem;

namespace {
fs::path fixture(const std::string& name) { return fs::path(CX_FIXTURE_DIR) / (name + ".so"); }

std::string refusal(const std::string& name) {
  try {
    PluginLibrary::load(fixture(name));
  } catch (const LoadError& e) {
    return e.what();
  }
  return "<loaded>";
}
}  // namespace

TEST_CASE("a valid plugin loads and exposes its descriptor") {
  auto lib = PluginLibrary::load(fixture("ok_minimal"));
  CHECK(lib->id() == "ok_minimal");
  CHECK(lib->abi_version() == CX_ABI_VERSION);
  CHECK(lib->has(cx::plugin::Op::FetchAccounts));
  CHECK_FALSE(lib->has(cx::plugin::Op::FetchPayments));
  CHECK(lib->has_capability(CX_CAP_FETCH_ACCOUNTS));
}

TEST_CASE("each fault is refused with a message naming the file and the cause") {
  using Catch::Matchers::Contains;
  CHECK_THAT(refusal("not_a_library"), Contains("not_a_library.so") && Contains("not a loadable shared library"));
  CHECK_THAT(refusal("no_entry"), Contains("no entry point [cx_connector_entry]") && Contains("no_entry.so"));
  CHECK_THAT(refusal("entry_returns_null"), Contains("returned NULL") && Contains("host ABI 1.0"));
  CHECK_THAT(refusal("abi_major_mismatch"), Contains("another ABI major") && Contains("plugin ABI 2.0") &&
                                                Contains("host ABI 1.0"));
  CHECK_THAT(refusal("abi_minor_newer"), Contains("needs a newer host") && Contains("plugin ABI 1.1") &&
                                             Contains("host ABI 1.0"));
  CHECK_THAT(refusal("struct_too_small"), Contains("struct_size 56") && Contains("smaller than the ABI 1.0 size 200"));
  CHECK_THAT(refusal("missing_create"), Contains("no create function"));
  CHECK_THAT(refusal("missing_destroy"), Contains("no destroy function"));
  CHECK_THAT(refusal("missing_id"), Contains("has no id"));
  CHECK_THAT(refusal("id_mismatch"), Contains("\"someone_else\" differs from the file stem \"id_mismatch\""));
  CHECK_THAT(refusal("cap_without_slot"), Contains("capability FETCH_PAYMENTS is set but slot fetch_payments is NULL"));
  CHECK_THAT(refusal("does_not_exist"), Contains("no such file"));
}

TEST_CASE("a duplicate id is refused naming both files; the first stays loaded") {
  auto tmp = fs::temp_directory_path() / ("cx_dup_" + std::to_string(::getpid()));
  fs::create_directories(tmp / "a");
  fs::create_directories(tmp / "b");
  fs::copy_file(fixture("ok_minimal"), tmp / "a" / "ok_minimal.so", fs::copy_options::overwrite_existing);
  fs::copy_file(fixture("ok_minimal"), tmp / "b" / "ok_minimal.so", fs::copy_options::overwrite_existing);
  cx::plugin::Registry reg;
  reg.load_directory(tmp / "a");
  reg.load_directory(tmp / "b");
  REQUIRE(reg.all().size() == 1);
  CHECK(reg.find("ok_minimal")->path() == tmp / "a" / "ok_minimal.so");
  REQUIRE(reg.refusals().size() == 1);
  CHECK_THAT(reg.refusals()[0].message, Catch::Matchers::Contains("duplicate id \"ok_minimal\"") &&
                                            Catch::Matchers::Contains((tmp / "a").string()) &&
                                            Catch::Matchers::Contains((tmp / "b").string()));
  fs::remove_all(tmp);
}

TEST_CASE("a directory scan keeps the good plugins and reports every bad one") {
  cx::plugin::Registry reg;
  reg.load_directory(CX_FIXTURE_DIR);
  CHECK(reg.find("ok_minimal"));
  CHECK(reg.find("echo"));
  CHECK_FALSE(reg.find("abi_major_mismatch"));
  CHECK(reg.refusals().size() >= 10);
}
