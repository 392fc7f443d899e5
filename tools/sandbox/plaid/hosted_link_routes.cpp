// Plaid sandbox: Hosted Link pages a person or a headless browser can click through:
//   GET  /hl/{id}                         choose an institution (or sandbox_auto=1 / cancel)
//   GET  /hl/{id}/institution/{ins}       credentials form (user_good / pass_good)
//   POST /hl/{id}/login                   log in: success page, or the Plaid error shown
//   POST /hl/{id}/finish | /hl/{id}/exit  end the session, fire SESSION_FINISHED, 303 to the completion URI
#include "render.hpp"
#include "sandbox.hpp"

namespace cx::sandbox::plaid {

namespace {
std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>" + esc(title) +
         "</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#111}"
         "h1{font-size:1.3rem}a.inst,button{display:block;width:100%;margin:.4rem 0;padding:.8rem;border:1px solid #ccc;"
         "border-radius:.5rem;background:#fff;text-align:left;font-size:1rem;color:#111;text-decoration:none;cursor:pointer}"
         "button.primary{background:#111;color:#fff;text-align:center}input{display:block;width:100%;box-sizing:border-box;"
         "margin:.3rem 0 .8rem;padding:.6rem;font-size:1rem}.error{background:#fde8e8;border:1px solid #f5b5b5;padding:.7rem;"
         "border-radius:.4rem}.hint{color:#666;font-size:.85rem}</style></head><body>" + body + "</body></html>";
}

void html(httplib::Response& res, int status, const std::string& title, const std::string& body) {
  res.status = status;
  res.set_content(page(title, body), "text/html; charset=utf-8");
}

void redirect_or_done(httplib::Response& res, const std::string& url, bool exited) {
  if (!url.empty()) {
    res.status = 303;
    res.set_header("Location", url);
    return;
  }
  html(res, 200, "Done", exited ? "<h1>You exited Plaid</h1><p>You can close this window.</p>"
                                : "<h1>Success</h1><p id=\"done\">Your account is connected. You can close this window.</p>");
}

void error_page(httplib::Response& res, const PlaidErr& e) {
  html(res, e.status == 400 ? 400 : e.status, "Error",
       "<h1>Something went wrong</h1><p class=\"error\" id=\"error\" data-error-code=\"" + esc(e.code) + "\">" +
           esc(e.display.value_or(e.message)) + "</p>");
}

std::string finish_buttons(const std::string& id) {
  return "<form method=\"post\" action=\"/hl/" + id + "/finish\"><button class=\"primary\" id=\"finish\" type=\"submit\">Finish</button></form>"
         "<form method=\"post\" action=\"/hl/" + id + "/exit\"><button id=\"exit\" type=\"submit\">Exit</button></form>";
}
}  // namespace

void register_hosted_link(httplib::Server& server, Sandbox& sb) {
  server.Get(R"(/hl/([A-Za-z0-9]+))", [&sb](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    try {
      std::string automation = req.get_param_value("sandbox_auto");
      if (automation == "1") {
        std::string inst = req.has_param("sandbox_institution") ? req.get_param_value("sandbox_institution")
                                                                : sb.world.hosted_first_institution(id);
        sb.world.hosted_login(id, inst, "user_good", "pass_good");
        return redirect_or_done(res, sb.world.hosted_finish(id, false), false);
      }
      if (automation == "cancel") return redirect_or_done(res, sb.world.hosted_finish(id, true), true);
      Json view = sb.world.hosted_view(id);
      std::string client = std::string(view.at("client_name").as_string());
      std::string body = "<h1>" + esc(client) + " uses <b>Plaid</b> to connect your bank</h1>";
      auto& linked = view.at("linked").as_array();
      if (!linked.empty()) {
        body += "<p>Connected so far:</p><ul>";
        for (auto& l : linked) body += "<li>" + esc(std::string(l.at("institution").as_string())) + "</li>";
        body += "</ul>" + finish_buttons(id) + "<p>Or connect another institution:</p>";
      } else {
        body += "<p>Select your institution</p>";
      }
      for (auto& i : view.at("institutions").as_array()) {
        std::string ins = std::string(i.at("institution_id").as_string());
        body += "<a class=\"inst\" id=\"" + esc(ins) + "\" href=\"/hl/" + id + "/institution/" + esc(ins) + "\">" +
                esc(std::string(i.at("name").as_string())) + " <span class=\"hint\">(" + esc(std::string(i.at("country").as_string())) +
                ")</span></a>";
      }
      if (linked.empty())
        body += "<form method=\"post\" action=\"/hl/" + id + "/exit\"><button id=\"exit\" type=\"submit\">Exit</button></form>";
      html(res, 200, "Connect your bank", body);
    } catch (const PlaidErr& e) {
      error_page(res, e);
    }
  });

  server.Get(R"(/hl/([A-Za-z0-9]+)/institution/([A-Za-z0-9_]+))", [&sb](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1], ins = req.matches[2];
    try {
      sb.world.hosted_view(id);
      const Institution* inst = find_institution(ins);
      if (!inst) throw PlaidErr{404, "INVALID_INPUT", "INVALID_INSTITUTION", "unknown institution", std::string("Unknown institution.")};
      html(res, 200, inst->name,
           "<h1>Log in to " + esc(inst->name) + "</h1><form method=\"post\" action=\"/hl/" + id + "/login\">"
           "<input type=\"hidden\" name=\"institution_id\" value=\"" + esc(ins) + "\">"
           "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"off\">"
           "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\">"
           "<button class=\"primary\" id=\"submit\" type=\"submit\">Submit</button></form>"
           "<p class=\"hint\">Sandbox credentials: <code>user_good</code> / <code>pass_good</code> "
           "(or <code>user_transactions_dynamic</code> with any password).</p>");
    } catch (const PlaidErr& e) {
      error_page(res, e);
    }
  });

  server.Post(R"(/hl/([A-Za-z0-9]+)/login)", [&sb](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.matches[1];
    std::string ins = req.get_param_value("institution_id");
    try {
      sb.world.hosted_login(id, ins, req.get_param_value("username"), req.get_param_value("password"));
      const Institution* inst = find_institution(ins);
      html(res, 200, "Connected",
           "<h1>Connected to " + esc(inst ? inst->name : ins) + "</h1><p id=\"connected\">Your accounts are linked.</p>" +
               finish_buttons(id) + "<p><a href=\"/hl/" + id + "\" id=\"another\">Connect another institution</a></p>");
    } catch (const PlaidErr& e) {
      if (e.code != "INVALID_CREDENTIALS") return error_page(res, e);
      html(res, 200, "Log in",
           "<h1>Log in</h1><p class=\"error\" id=\"error\" data-error-code=\"" + esc(e.code) + "\">" + esc(e.display.value_or(e.message)) +
               "</p><p><a href=\"/hl/" + id + "/institution/" + esc(ins) + "\" id=\"retry\">Try again</a></p>");
    }
  });

  for (bool exited : {false, true}) {
    server.Post(exited ? R"(/hl/([A-Za-z0-9]+)/exit)" : R"(/hl/([A-Za-z0-9]+)/finish)",
                [&sb, exited](const httplib::Request& req, httplib::Response& res) {
                  try {
                    redirect_or_done(res, sb.world.hosted_finish(req.matches[1], exited), exited);
                  } catch (const PlaidErr& e) {
                    error_page(res, e);
                  }
                });
  }
}

}  // namespace cx::sandbox::plaid
