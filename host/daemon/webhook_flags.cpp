#include "host/daemon/webhook_flags.hpp"

#include "host/engine/duration.hpp"

#include <stdexcept>

namespace cx::daemon {

void add_webhook_flags(CLI::App& app, Options& o) {
  app.add_flag("--webhooks-allow-insecure", o.webhooks_allow_insecure,
               "accept http webhook endpoints on loopback addresses (tests, demo)");
  app.add_flag("--webhooks-allow-private", o.webhooks_allow_private,
               "accept webhook endpoints in private address ranges (never link-local or cloud metadata)");
  app.add_option("--webhooks-min-backoff", o.webhooks_min_backoff, "first retry delay of a webhook delivery");
  app.add_option("--webhooks-max-backoff", o.webhooks_max_backoff, "largest retry delay of a webhook delivery");
  app.add_option("--webhooks-abort-after", o.webhooks_abort_after, "a delivery fails once retrying would pass this");
  app.add_option("--webhooks-max-attempts", o.webhooks_max_attempts, "attempts of one delivery before it fails")
      ->check(CLI::Range(1, 1000));
  app.add_option("--webhooks-senders", o.webhooks_senders, "webhook attempts in flight overall")->check(CLI::Range(1, 64));
  app.add_option("--webhooks-inflight-per-endpoint", o.webhooks_inflight_per_endpoint,
                 "webhook attempts in flight to one endpoint")
      ->check(CLI::Range(1, 64));
  app.add_option("--webhooks-poll-interval", o.webhooks_poll_interval, "how often new events and due retries are looked for");
  app.add_option("--webhooks-timeout", o.webhooks_timeout, "longest one webhook attempt may take");
  app.add_option("--webhooks-delivery-retention", o.webhooks_delivery_retention,
                 "finished deliveries, their attempts and published events are deleted after this long");
}

outbound::DispatcherOptions webhook_options(const Options& o) {
  auto dur = [](const std::string& v, const char* flag, bool zero_ok = false) {
    auto ms = engine::parse_duration_ms(v);
    if (!ms || (*ms <= 0 && !zero_ok)) throw std::runtime_error(std::string(flag) + ": not a positive duration");
    return *ms;
  };
  outbound::DispatcherOptions d;
  d.endpoints.allow_insecure = o.webhooks_allow_insecure;
  d.endpoints.allow_private = o.webhooks_allow_private;
  d.retry.min_backoff_ms = dur(o.webhooks_min_backoff, "--webhooks-min-backoff");
  d.retry.max_backoff_ms = dur(o.webhooks_max_backoff, "--webhooks-max-backoff");
  d.retry.abort_after_ms = dur(o.webhooks_abort_after, "--webhooks-abort-after");
  d.retry.max_attempts = o.webhooks_max_attempts;
  d.senders = o.webhooks_senders;
  d.per_endpoint = o.webhooks_inflight_per_endpoint;
  d.poll_ms = dur(o.webhooks_poll_interval, "--webhooks-poll-interval");
  d.timeout_ms = dur(o.webhooks_timeout, "--webhooks-timeout");
  d.retention_ms = dur(o.webhooks_delivery_retention, "--webhooks-delivery-retention");
  return d;
}

}  // namespace cx::daemon
