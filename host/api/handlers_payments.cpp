// Payments: GET /payments, /payments/{paymentID} (with adjustments), PATCH …/metadata.
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"

namespace cx::api {

void add_payment_routes(Api& api, const Services& s) {
  api.add("GET", v3("/payments"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::payments::list(tx, r.query); });
      return render_page(page, [](const store::PaymentRecord& p, boost::json::storage_ptr sp) {
        return payment_json(p, false, std::move(sp));
      });
    });
  });

  api.add("GET", v3("/payments/{paymentID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = payment_id_param(c);
    auto p = s.db.read([&](store::ReadTx& tx) { return store::payments::get(tx, id); });
    if (!p) throw not_found("payment not found");
    return data_response(200, payment_json(*p, true));
  });

  api.add("PATCH", v3("/payments/{paymentID}/metadata"), Access::Private, [s](const RouteContext& c) {
    std::string id = payment_id_param(c);
    Metadata m = parse_metadata_patch(c.request.body);
    s.db.write([&](store::WriteTx& tx) { store::payments::update_metadata(tx, id, m); });
    return no_content();
  });
}

}  // namespace cx::api
