// Payment service users: create, list, get, delete, and linking bank accounts to them.
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/util/encoding.hpp"

namespace cx::api {
namespace json = boost::json;
namespace {

store::PsuRecord to_record(const PsuCreateRequest& r, std::string id) {
  store::PsuRecord p;
  p.id = std::move(id);
  p.name = r.name;
  if (r.contact_details)
    p.contact_details = store::ContactDetails{r.contact_details->email, r.contact_details->phone_number,
                                              r.contact_details->locale};
  if (r.address) {
    const auto& a = *r.address;
    p.address = store::Address{a.street_name, a.street_number, a.city, a.region, a.postal_code, a.country};
  }
  p.metadata = r.metadata;
  p.bank_account_ids = r.bank_account_ids;
  return p;
}

}  // namespace

void add_psu_routes(Api& api, const Services& s) {
  api.add("POST", v3("/payment-service-users"), Access::Private, [s](const RouteContext& c) {
    PsuCreateRequest req = parse_psu_create(c.request.body);
    store::PsuRecord rec = to_record(req, util::uuid_v4());
    // An unknown bank account makes the store throw NotFound: 404, as the reference answers.
    s.db.write([&](store::WriteTx& tx) { store::psus::insert(tx, rec); });
    return data_response(201, json::value(rec.id));
  });

  api.add("GET", v3("/payment-service-users"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::psus::list(tx, r.query); });
      return render_page(page, psu_json);
    });
  });

  api.add("GET", v3("/payment-service-users/{paymentServiceUserID}"), Access::Private, [s](const RouteContext& c) {
    return data_response(200, psu_json(require_psu(s.db, uuid_param(c, "paymentServiceUserID"))));
  });

  api.add("DELETE", v3("/payment-service-users/{paymentServiceUserID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "paymentServiceUserID");
    require_psu(s.db, id);
    return task_accepted(unwrap(s.backend.delete_psu(id)));
  });

  api.add("POST", v3("/payment-service-users/{paymentServiceUserID}/bank-accounts/{bankAccountID}"), Access::Private,
          [s](const RouteContext& c) {
            std::string psu = uuid_param(c, "paymentServiceUserID");
            std::string ba = uuid_param(c, "bankAccountID");
            s.db.write([&](store::WriteTx& tx) {
              if (!store::psus::get(tx, psu)) throw not_found("payment service user not found");
              if (!store::bank_accounts::get(tx, ba)) throw not_found("bank account not found");
              store::bank_accounts::link_psu(tx, ba, psu);
            });
            return no_content();
          });

  api.add("POST", v3("/payment-service-users/{paymentServiceUserID}/bank-accounts/{bankAccountID}/forward"),
          Access::Private, [s](const RouteContext& c) {
            std::string psu = uuid_param(c, "paymentServiceUserID");
            std::string ba = uuid_param(c, "bankAccountID");
            std::string raw = parse_connector_id_body(c.request.body);
            std::string cid = canonical_connector_id(raw, "connectorID");
            require_psu(s.db, psu);
            auto rec = s.db.read([&](store::ReadTx& tx) { return store::bank_accounts::get(tx, ba); });
            if (!rec) throw not_found("bank account not found");
            if (rec->psu_id != psu) throw validation_error("bank account is not linked to this payment service user");
            require_connector(s.db, cid);
            return task_accepted(unwrap(s.backend.forward_bank_account(ba, cid)));
          });
}

}  // namespace cx::api
