// Fuzz target over the API's input decoders: the filter language, cursors, composite IDs,
// pageSize, the JSON request bodies, and the response splicing of amounts and raw payloads. The first byte picks the decoder, the rest is its input.
// Properties checked beyond "no crash / no sanitizer report":
//  * a parsed filter serialises back to JSON that parses to the same serialisation;
//  * a decoded ID re-encodes to text that decodes to the same ID;
//  * a decoded cursor re-encodes to a cursor that decodes to the same page request;
//  * decoders fail only with their documented exception types.
#include "host/api/cursor.hpp"
#include "host/api/errors.hpp"
#include "host/api/json_output.hpp"
#include "host/api/query_parser.hpp"
#include "host/api/validation.hpp"
#include "host/util/ids.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

std::string filter_text(const cx::store::Filter& f) { return boost::json::serialize(cx::api::filter_to_json(f)); }

void fuzz_query(std::string_view in) {
  try {
    auto f = cx::api::parse_query(in);
    if (!f) return;
    std::string once = filter_text(*f);
    auto again = cx::api::parse_query(std::string_view(once));
    check(again.has_value(), "filter round trip lost the filter");
    check(filter_text(*again) == once, "filter round trip changed the filter");
  } catch (const cx::api::QuerySyntaxError&) {
  }
}

void fuzz_cursor(std::string_view in) {
  try {
    auto req = cx::api::decode_cursor(in);
    check(req.query.page_size >= 1 && req.query.page_size <= cx::api::kMaxPageSize, "page size out of range");
    check(!(req.query.after && req.query.before), "both keys");
    const bool before = req.query.before.has_value();
    const cx::store::PageKey key = before ? *req.query.before : req.query.after.value_or(cx::store::PageKey{});
    auto again = cx::api::decode_cursor(
        cx::api::encode_cursor(req, before ? cx::api::CursorSide::Before : cx::api::CursorSide::After, key));
    check((before ? again.query.before : again.query.after) == key && again.query.page_size == req.query.page_size,
          "cursor round trip changed key or page size");
    check(again.query.filter.has_value() == req.query.filter.has_value(), "cursor round trip lost the filter");
    if (req.query.filter) check(filter_text(*again.query.filter) == filter_text(*req.query.filter), "cursor filter");
    check(again.options == req.options, "cursor round trip changed options");
  } catch (const cx::api::PageRequestError&) {
  }
}

template <class Decode>
void fuzz_id(std::string_view in, Decode decode) {
  auto id = decode(in);
  if (!id) return;
  auto again = decode(cx::ids::encode(*id));
  check(again.has_value() && *again == *id, "ID round trip");
}

void fuzz_page_size(std::string_view in) {
  try {
    int n = cx::api::parse_page_size(in);
    check(n >= 1 && n <= cx::api::kMaxPageSize, "page size out of range");
  } catch (const cx::api::PageRequestError&) {
  }
}

template <class Parse>
void fuzz_body(std::string_view in, Parse parse) {
  try {
    parse(in);
  } catch (const cx::api::ApiError& e) {
    check(e.status == 400, "a body error is not a 400");
  }
}

// A provider payload spliced into a response stays the same JSON, and an amount stays its digits.
void fuzz_output(std::string_view in) {
  auto raw = cx::api::raw_json(in);
  boost::json::error_code ec;
  auto direct = boost::json::parse(in, ec);
  check(raw.has_value() == !ec, "raw_json accepts exactly the valid JSON texts");
  if (raw) {
    boost::json::object doc{{"raw", *raw}, {"text", std::string(in)}};
    std::string out = cx::api::serialize_body(doc);
    auto back = boost::json::parse(out);  // throws (and fails the run) on invalid JSON
    // A string is only ever spliced if it carries this process's secret marker, which no client
    // can know (libFuzzer learns it through its comparison tracing, hence the exemption).
    std::string escaped = boost::json::serialize(boost::json::value(cx::api::splice_marker()));
    escaped = escaped.substr(1, escaped.size() - 2);  // the marker as it appears inside JSON text
    bool forged = in.find(cx::api::splice_marker()) != std::string_view::npos ||
                  boost::json::serialize(direct).find(escaped) != std::string::npos;
    check(forged || back.at("text").as_string() == in, "a client string was altered by splicing");
    // Either the payload went out byte for byte, or as the value Boost.JSON parsed.
    bool verbatim = out.compare(0, 7, "{\"raw\":") == 0 && out.compare(7, in.size(), in) == 0;
    check(forged || verbatim || back.at("raw") == direct, "spliced payload changed");
  }
  try {
    auto v = cx::api::big_integer(in);
    std::string out = cx::api::serialize_body(boost::json::object{{"n", v}});
    check(out.front() == '{' && out.find('"', 5) == std::string::npos, "amount not spliced as a bare number");
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 13) {
    case 0: fuzz_query(in); break;
    case 1: fuzz_cursor(in); break;
    case 2: fuzz_id(in, cx::ids::decode_connector_id); break;
    case 3: fuzz_id(in, cx::ids::decode_account_id); break;
    case 4: fuzz_id(in, cx::ids::decode_payment_id); break;
    case 5: fuzz_id(in, cx::ids::decode_payment_adjustment_id); break;
    case 6: fuzz_id(in, cx::ids::decode_scoped_id); break;
    case 7: fuzz_id(in, cx::ids::decode_callback_state); break;
    case 8: fuzz_page_size(in); break;
    case 9: fuzz_body(in, cx::api::parse_psu_create); break;
    case 10: fuzz_body(in, cx::api::parse_bank_account_create); break;
    case 11: fuzz_body(in, cx::api::parse_link_request); break;
    case 12: fuzz_output(in); break;
  }
  return 0;
}
