// Bank accounts: create (IBAN checked, PII sealed by the store), list, get (masked), patch
// metadata, forward to a connector.
#include "host/api/errors.hpp"
#include "host/api/presenters.hpp"
#include "host/api/routes.hpp"
#include "host/api/validation.hpp"
#include "host/util/encoding.hpp"

namespace cx::api {
namespace json = boost::json;

void add_bank_account_routes(Api& api, const Services& s) {
  api.add("POST", v3("/bank-accounts"), Access::Private, [s](const RouteContext& c) {
    BankAccountCreateRequest req = parse_bank_account_create(c.request.body);
    store::BankAccountRecord rec;
    rec.id = util::uuid_v4();
    rec.name = req.name;
    rec.account_number = req.account_number;
    rec.iban = req.iban;
    rec.swift_bic_code = req.swift_bic_code;
    rec.country = req.country;
    rec.metadata = req.metadata;
    s.db.write([&](store::WriteTx& tx) { store::bank_accounts::insert(tx, rec); });
    return data_response(201, json::value(rec.id));
  });

  api.add("GET", v3("/bank-accounts"), Access::Private, [s](const RouteContext& c) {
    return list_response(c, [&](const PageRequest& r) {
      auto page = s.db.read([&](store::ReadTx& tx) { return store::bank_accounts::list(tx, r.query); });
      return render_page(page, bank_account_json);
    });
  });

  api.add("GET", v3("/bank-accounts/{bankAccountID}"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "bankAccountID");
    auto b = s.db.read([&](store::ReadTx& tx) { return store::bank_accounts::get(tx, id); });
    if (!b) throw not_found("bank account not found");
    return data_response(200, bank_account_json(*b));
  });

  api.add("PATCH", v3("/bank-accounts/{bankAccountID}/metadata"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "bankAccountID");
    Metadata m = parse_metadata_patch(c.request.body);
    s.db.write([&](store::WriteTx& tx) { store::bank_accounts::update_metadata(tx, id, m); });
    return no_content();
  });

  api.add("POST", v3("/bank-accounts/{bankAccountID}/forward"), Access::Private, [s](const RouteContext& c) {
    std::string id = uuid_param(c, "bankAccountID");
    std::string cid = canonical_connector_id(parse_connector_id_body(c.request.body), "connectorID");
    if (!s.db.read([&](store::ReadTx& tx) { return store::bank_accounts::get(tx, id).has_value(); }))
      throw not_found("bank account not found");
    require_connector(s.db, cid);
    return task_accepted(unwrap(s.backend.forward_bank_account(id, cid)));
  });
}

}  // namespace cx::api
