#include "api/api_server.hpp"

#include "api/bake_view.hpp"
#include "api/guarded_server.hpp"
#include "api/webhook.hpp"
#include "core/fault_point.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"
#include "preview/preview_render.hpp"
#include "report/status_json.hpp"

#include <httplib.h>

#include <mutex>
#include <thread>

namespace tether {
namespace {

int http_status_of(preview::PreviewFailure failure) {
  switch (failure) {
    case preview::PreviewFailure::bad_ref:
      return 400;
    case preview::PreviewFailure::unknown_ref:
      return 404;
    case preview::PreviewFailure::invalid_manifests:
      return 422;
    case preview::PreviewFailure::timed_out:
      return 504;
    case preview::PreviewFailure::unreachable:
      break;
  }
  return 502;
}

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(json_text(body, 2) + "\n", "application/json");
}

/// The defaults of ConnectionLimits; tests shorten the request deadline (TETHER_TEST_LIMITS).
ConnectionLimits connection_limits() {
  ConnectionLimits limits;
  limits.request_deadline =
      Millis(fault::limit("api-request-deadline-ms", limits.request_deadline.count()));
  return limits;
}

/// What an error status the handlers did not set themselves means, for its body.
std::string error_text(int status) {
  switch (status) {
    case 400:
      return "400 malformed request";
    case 404:
      return "404 no such endpoint (GET /healthz, /status, /metrics, /plan?ref=REF; POST /sync)";
    case 405:
      return "405 method not allowed";
    case 413:
      return "413 request body larger than 1 MiB";
    default:
      return std::to_string(status) + " error";
  }
}

}  // namespace

struct ApiServer::Impl {
  Layout layout;
  ApiWiring wiring;
  GuardedServer server{connection_limits(), error_text};
  std::thread thread;
  /// Held while a preview runs: previews fetch and hash, so a flood of GET /plan must not
  /// multiply that work (or take every API worker) on the host.
  std::mutex preview_mutex;

  Impl(Layout l, ApiWiring w) : layout(std::move(l)), wiring(std::move(w)) {}

  void sync(const httplib::Request& request, httplib::Response& response) {
    if (wiring.webhook_secret.empty()) {
      response.status = 403;
      response.set_content("webhook disabled: set api.webhookSecretFile in agent.yaml\n",
                           "text/plain");
      return;
    }
    if (!webhook_signature_valid(
            request.get_header_value("X-Hub-Signature-256"), request.body, wiring.webhook_secret)) {
      log_warn("webhook refused: missing or wrong X-Hub-Signature-256",
               {{"from", request.remote_addr}});
      response.status = 401;
      response.set_content("missing or wrong X-Hub-Signature-256\n", "text/plain");
      return;
    }
    log_info("webhook: polling now", {{"from", request.remote_addr}});
    wiring.request_poll();
    response.status = 202;
    response.set_content("poll scheduled\n", "text/plain");
  }

  void plan(const httplib::Request& request, httplib::Response& response) {
    const std::string ref = request.get_param_value("ref");
    if (wiring.previewer == nullptr) {
      send_json(response, 404, preview::preview_error_json({"plan previews are off", ""}, ref));
      return;
    }
    if (!request.has_param("ref")) {
      send_json(
          response,
          400,
          preview::preview_error_json(
              {"missing ?ref=REF", "GET /plan?ref=pr-42 or /plan?ref=refs/pull/42/head"}, ""));
      return;
    }
    std::unique_lock slot(preview_mutex, std::try_to_lock);
    if (!slot.owns_lock()) {
      response.set_header("Retry-After", "5");
      send_json(
          response,
          429,
          preview::preview_error_json(
              {"another plan preview is running on this host", "retry in a few seconds"}, ref));
      return;
    }
    const preview::PreviewOutcome outcome = wiring.previewer->preview(ref);
    if (const auto* error = std::get_if<preview::PreviewError>(&outcome)) {
      log_warn("plan preview failed",
               {{"ref", ref.substr(0, 200)}, {"error", error->error.describe()}});
      send_json(
          response, http_status_of(error->failure), preview::preview_error_json(error->error, ref));
      return;
    }
    send_json(response, 200, preview::preview_json(std::get<preview::Preview>(outcome)));
  }

  void routes() {
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("ok\n", "text/plain");
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      std::string text = wiring.metrics.render();
      if (wiring.bakes != nullptr) text += bake_metrics(wiring.bakes->snapshot());
      response.set_content(text, "text/plain; version=0.0.4");
    });
    server.Get("/status", [this](const httplib::Request&, httplib::Response& response) {
      // What the last pass published: a request costs no probe, hash or runtime command.
      const std::optional<AgentStatus> agent = wiring.board.latest();
      const std::optional<HostReport> report = wiring.board.report();
      const HostReport empty{layout.root.string(), "", {}, {}, {}, {}, {}};
      nlohmann::json status = status_json(report ? *report : empty, agent ? &*agent : nullptr);
      if (wiring.bakes != nullptr) overlay_bakes(status, wiring.bakes->snapshot());
      send_json(response, 200, status);
    });
    server.Get("/plan", [this](const httplib::Request& request, httplib::Response& response) {
      plan(request, response);
    });
    server.Post("/sync", [this](const httplib::Request& request, httplib::Response& response) {
      sync(request, response);
    });
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Result<std::unique_ptr<ApiServer>> ApiServer::start(const std::string& listen,
                                                    Layout layout,
                                                    ApiWiring wiring) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Error{"api.listen: expected HOST:PORT, got \"" + listen + "\"", ""};
  const std::string host = listen.substr(0, colon);
  const int port = std::stoi(listen.substr(colon + 1));
  auto impl = std::make_unique<Impl>(std::move(layout), std::move(wiring));
  impl->routes();
  impl->server.set_payload_max_length(1024 * 1024);  // webhook bodies are small
  // httplib reuses ports by default; a second agent must not silently share this one.
  impl->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (!impl->server.bind_to_port(host.c_str(), port)) {
    return Error{"cannot listen on " + listen + " for the API",
                 "is another agent or program using that port?"};
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  while (!impl->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::~ApiServer() {
  m_impl->server.stop();
  // A slow client must not hold up the agent's exit (SIGTERM is answered within seconds).
  m_impl->server.abort_connections();
  m_impl->thread.join();
}

}  // namespace tether
