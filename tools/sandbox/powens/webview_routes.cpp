// The Powens webview (docs/providers/powens.md §6): pick a bank, log in, consent, then redirect to
// redirect_uri with state and connection_id (or error and error_description), followed by a
// signed CONNECTION_SYNCED webhook. `sandbox_auto` runs the ceremony without pages (README.md).
#include "clock.hpp"
#include "sandbox.hpp"

#include <boost/url/url.hpp>
#include <map>
#include <memory>

namespace cx::sandbox::powens {
namespace {

using httplib::Request;
using httplib::Response;

struct Session {
  int64_t user = 0;
  std::string state, redirect_uri;
  std::optional<int64_t> connection;  ///< set for /reconnect
  int bank = 0;
};

struct Sessions {
  std::mutex mu;
  std::map<std::string, Session> by_id;
};

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void page(Response& res, const std::string& title, const std::string& body, int status = 200) {
  res.status = status;
  res.set_content(
      "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>" + esc(title) +
          " — Powens (sandbox)</title><style>body{font-family:sans-serif;max-width:34em;margin:3em auto;color:#222}"
          "h1{font-size:1.3em}.bank,button{display:block;width:100%;margin:.4em 0;padding:.7em;font-size:1em;"
          "border:1px solid #999;border-radius:6px;background:#f4f6fb;text-align:left;color:#222;text-decoration:none;"
          "cursor:pointer}.error{color:#a00;font-weight:bold}input{display:block;width:95%;padding:.5em;margin:.3em 0 "
          ".8em}.hint{color:#666;font-size:.9em}.secondary{background:#fff}</style></head><body><p class=\"hint\">"
          "Powens webview — local sandbox</p><h1>" + esc(title) + "</h1>" + body + "</body></html>",
      "text/html; charset=utf-8");
}

std::string redirect_to(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  boost::urls::url q;  // only its query: Boost.URL percent-encodes each value
  for (auto& [k, v] : params) q.params().append({k, v});
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + std::string(q.encoded_query());
}

void redirect_error(Response& res, const Session& s, const std::string& error, const std::string& description, int status) {
  res.set_redirect(redirect_to(s.redirect_uri, {{"state", s.state}, {"error", error}, {"error_description", description}}), status);
}

/// Completes the ceremony: creates or repairs the connection, redirects, then sends the webhook.
void finish(Sandbox& sb, Response& res, const Session& s, bool sca, int status) {
  std::lock_guard l(sb.world.mu);
  Connection* c = nullptr;
  if (s.connection) {
    c = &sb.world.connections.at(*s.connection);
    sb.world.reconnect(*c, sca);
  } else {
    c = &sb.world.add_connection(s.user, s.bank, sca);
  }
  res.set_redirect(redirect_to(s.redirect_uri, {{"state", s.state}, {"connection_id", std::to_string(c->id)}}), status);
  sb.sync(*c, /*full=*/true);
}

std::string bank_list(const std::string& sid) {
  std::string html = "<p>Choisissez votre banque :</p>";
  for (size_t i = 0; i < banks().size(); ++i)
    html += "<a class=\"bank\" id=\"bank-" + std::to_string(i) + "\" href=\"/webview/bank?session=" + sid + "&bank=" +
            std::to_string(i) + "\">" + esc(banks()[i].name) + "</a>";
  html += "<a class=\"bank secondary\" id=\"cancel\" href=\"/webview/cancel?session=" + sid + "\">Annuler</a>";
  return html;
}

std::string login_form(const std::string& sid, int bank, const std::string& error = {}) {
  std::string html;
  if (!error.empty()) html += "<p class=\"error\" id=\"error\">" + esc(error) + "</p>";
  html += "<p>Connectez-vous à <b>" + esc(banks().at(size_t(bank)).name) + "</b>.</p>"
          "<form method=\"post\" action=\"/webview/login\"><input type=\"hidden\" name=\"session\" value=\"" + sid + "\">"
          "<label for=\"login\">Identifiant</label><input id=\"login\" name=\"login\" autocomplete=\"off\" required>"
          "<label for=\"password\">Mot de passe</label><input id=\"password\" name=\"password\" type=\"password\" required>"
          "<button id=\"submit\" type=\"submit\">Se connecter</button></form>"
          "<p class=\"hint\">Sandbox : tout identifiant ; mot de passe <code>wrongpass</code> (refusé) ou "
          "<code>sca</code> (authentification forte demandée), sinon accepté.</p>";
  if (!error.empty())
    html += "<a class=\"bank secondary\" id=\"quit\" href=\"/webview/quit?session=" + sid + "\">Quitter</a>";
  html += "<a class=\"bank secondary\" id=\"cancel\" href=\"/webview/cancel?session=" + sid + "\">Annuler</a>";
  return html;
}

std::string consent_page(const std::string& sid, int bank) {
  std::string html = "<p><b>" + esc(banks().at(size_t(bank)).name) +
                     "</b> partagera avec l'application les comptes suivants, leurs soldes et 90 jours d'opérations :</p><ul>";
  for (auto& a : banks().at(size_t(bank)).accounts) html += "<li>" + esc(a.original_name) + " (" + a.currency.id + ")</li>";
  html += "</ul><form method=\"post\" action=\"/webview/consent\"><input type=\"hidden\" name=\"session\" value=\"" + sid +
          "\"><button id=\"accept\" name=\"decision\" value=\"accept\" type=\"submit\">Autoriser</button>"
          "<button id=\"refuse\" class=\"secondary\" name=\"decision\" value=\"refuse\" type=\"submit\">Refuser</button></form>";
  return html;
}

std::string sca_page(const std::string& sid) {
  return "<p>Votre banque demande une authentification forte : validez l'opération dans son application.</p>"
         "<form method=\"post\" action=\"/webview/sca\"><input type=\"hidden\" name=\"session\" value=\"" + sid +
         "\"><button id=\"sca-done\" name=\"decision\" value=\"done\" type=\"submit\">J'ai validé</button>"
         "<button id=\"sca-later\" class=\"secondary\" name=\"decision\" value=\"later\" type=\"submit\">Plus tard</button></form>";
}

/// GET /connect and /reconnect: checks the parameters, then either runs sandbox_auto or starts
/// the page flow.
void start(Sandbox& sb, Sessions& sessions, const Request& req, Response& res, bool reconnect) {
  Session s;
  std::string sid;
  {
    std::lock_guard l(sb.world.mu);
    if (req.get_param_value("client_id") != sb.world.credentials.client_id)
      return page(res, "Erreur", "<p class=\"error\">client_id inconnu.</p>", 400);
    s.redirect_uri = req.get_param_value("redirect_uri");
    if (s.redirect_uri.rfind("http://", 0) != 0 && s.redirect_uri.rfind("https://", 0) != 0)
      return page(res, "Erreur", "<p class=\"error\">redirect_uri manquant ou invalide.</p>", 400);
    auto user = sb.world.user_of_code(req.get_param_value("code"));
    if (!user) return page(res, "Erreur", "<p class=\"error\">Code temporaire inconnu ou expiré.</p>", 400);
    s.user = *user;
    s.state = req.get_param_value("state");
    if (reconnect) {
      auto cid = req.get_param_value("connection_id");
      auto it = cid.empty() ? sb.world.connections.end() : sb.world.connections.find(std::stoll(cid));
      if (it == sb.world.connections.end() || it->second.user_id != s.user || it->second.deleted)
        return page(res, "Erreur", "<p class=\"error\">connection_id inconnu pour cet utilisateur.</p>", 400);
      s.connection = it->first;
      s.bank = it->second.bank;
    }
    sid = sb.world.mint("ws", 24);
  }
  if (req.has_param("sandbox_auto")) {
    std::string mode = req.get_param_value("sandbox_auto");
    if (mode == "1" || mode == "true") return finish(sb, res, s, false, 302);
    if (mode == "sca") return finish(sb, res, s, true, 302);
    if (mode == "wrongpass") return redirect_error(res, s, "wrongpass", "Wrong password", 302);
    if (mode == "cancel") return redirect_error(res, s, "access_denied", "User cancelled", 302);
    return page(res, "Erreur", "<p class=\"error\">sandbox_auto doit valoir 1, sca, wrongpass ou cancel.</p>", 400);
  }
  {
    std::lock_guard l(sessions.mu);
    sessions.by_id[sid] = s;
  }
  if (reconnect) return page(res, "Reconnexion", login_form(sid, s.bank));
  page(res, "Connecter une banque", bank_list(sid));
}

}  // namespace

void register_webview(httplib::Server& srv, Sandbox& sb) {
  auto sessions = std::make_shared<Sessions>();
  auto find = [sessions](const Request& req, Response& res) -> std::optional<Session> {
    std::lock_guard l(sessions->mu);
    auto it = sessions->by_id.find(req.get_param_value("session"));
    if (it == sessions->by_id.end()) {
      page(res, "Erreur", "<p class=\"error\">Session inconnue ou terminée.</p>", 400);
      return std::nullopt;
    }
    return it->second;
  };
  auto end = [sessions](const Request& req) {
    std::lock_guard l(sessions->mu);
    sessions->by_id.erase(req.get_param_value("session"));
  };

  srv.Get(R"((?:/[a-z]{2})?/connect)", [&sb, sessions](const Request& req, Response& res) { start(sb, *sessions, req, res, false); });
  srv.Get(R"((?:/[a-z]{2})?/reconnect)", [&sb, sessions](const Request& req, Response& res) { start(sb, *sessions, req, res, true); });

  srv.Get("/webview/bank", [sessions, find](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    int bank = std::atoi(req.get_param_value("bank").c_str());
    if (bank < 0 || bank >= static_cast<int>(banks().size())) return page(res, "Erreur", "<p class=\"error\">Banque inconnue.</p>", 400);
    {
      std::lock_guard l(sessions->mu);
      sessions->by_id[req.get_param_value("session")].bank = bank;
    }
    page(res, "Connexion", login_form(req.get_param_value("session"), bank));
  });
  srv.Post("/webview/login", [find](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    std::string sid = req.get_param_value("session"), password = req.get_param_value("password");
    if (password == "wrongpass")
      return page(res, "Connexion", login_form(sid, s->bank, "Identifiant ou mot de passe incorrect (wrongpass)."), 200);
    if (password == "sca") return page(res, "Authentification forte", sca_page(sid));
    page(res, "Consentement", consent_page(sid, s->bank));
  });
  srv.Post("/webview/sca", [&sb, find, end](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    if (req.get_param_value("decision") == "done") return page(res, "Consentement", consent_page(req.get_param_value("session"), s->bank));
    end(req);
    finish(sb, res, *s, /*sca=*/true, 303);
  });
  srv.Post("/webview/consent", [&sb, find, end](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    end(req);
    if (req.get_param_value("decision") != "accept") return redirect_error(res, *s, "access_denied", "User refused consent", 303);
    finish(sb, res, *s, /*sca=*/false, 303);
  });
  srv.Get("/webview/cancel", [find, end](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    end(req);
    redirect_error(res, *s, "access_denied", "User cancelled", 303);
  });
  srv.Get("/webview/quit", [find, end](const Request& req, Response& res) {
    auto s = find(req, res);
    if (!s) return;
    end(req);
    redirect_error(res, *s, "wrongpass", "Wrong password", 303);
  });
}

}  // namespace cx::sandbox::powens
