#include "host/api/router.hpp"

#include <boost/url/pct_string_view.hpp>

#include <stdexcept>

namespace cx::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

// Tries route against the raw segments; fills params/rest; returns a literal-ness score vector.
bool try_route(const Route& r, const std::vector<std::string_view>& segs, std::string_view raw_path,
               Router::Match& m, std::vector<bool>& literal) {
  literal.clear();
  m.params.clear();
  m.rest.clear();
  bool wildcard = !r.segments.empty() && r.segments.back() == "*";
  size_t fixed = wildcard ? r.segments.size() - 1 : r.segments.size();
  if (wildcard ? segs.size() < fixed : segs.size() != fixed) return false;
  for (size_t i = 0; i < fixed; ++i) {
    const std::string& p = r.segments[i];
    if (is_param(p)) {
      if (segs[i].empty()) return false;
      m.params[p.substr(1, p.size() - 2)] = decode_segment(segs[i]);
      literal.push_back(false);
    } else {
      if (segs[i] != p) return false;
      literal.push_back(true);
    }
  }
  if (wildcard) {
    size_t offset = 0;  // position after the fixed segments in raw_path
    for (size_t i = 0; i < fixed; ++i) offset += 1 + segs[i].size();
    m.rest = std::string(raw_path.substr(offset));
  }
  return true;
}

}  // namespace

const std::string& RouteContext::param(std::string_view name) const {
  auto it = params.find(name);
  if (it == params.end()) throw std::logic_error("route has no parameter " + std::string(name));
  return it->second;
}

std::string decode_segment(std::string_view raw) {
  if (raw.find('%') == std::string_view::npos) return std::string(raw);
  // A malformed escape ("%zz") stays as received: it then matches no stored ID.
  auto pct = boost::urls::make_pct_string_view(raw);
  return pct ? pct->decode() : std::string(raw);
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler, size_t max_body) {
  auto segs = split_path(pattern);
  if (segs.empty()) throw std::invalid_argument("route pattern must start with '/': " + pattern);
  Route r{std::move(method), pattern, access, std::move(handler), {}, max_body};
  for (size_t i = 0; i < segs.size(); ++i) {
    if (segs[i] == "*" && i + 1 != segs.size()) throw std::invalid_argument("'*' must be last: " + pattern);
    r.segments.emplace_back(segs[i]);
  }
  routes_.push_back(std::move(r));
}

Router::Match Router::match(std::string_view method, std::string_view raw_path) const {
  auto segs = split_path(raw_path);
  Match best;
  std::vector<bool> best_score, score;
  bool path_matched = false;
  std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& r : routes_) {
    Match candidate;
    if (!try_route(r, segs, raw_path, candidate, score)) continue;
    path_matched = true;
    if (r.method != "*" && r.method != m && r.method != method) continue;
    if (best.route && !(score > best_score)) continue;
    best = std::move(candidate);
    best.route = &r;
    best.outcome = Outcome::Matched;
    best_score = score;
  }
  if (!best.route) best.outcome = path_matched ? Outcome::MethodNotAllowed : Outcome::NotFound;
  return best;
}

}  // namespace cx::api
