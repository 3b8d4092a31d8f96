#include "apply/container_images.hpp"

#include "container/image_prune.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "core/log.hpp"

#include <nlohmann/json.hpp>

namespace tether {

fs::path image_record_path(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / "images.json";
}

std::vector<std::string> read_image_record(const Layout& layout, const std::string& service) {
  auto text = read_file(image_record_path(layout, service));
  if (!text) return {};
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);
    return json.at("images").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    log_warn("unreadable image record; starting a new one",
             {{"service", service}, {"error", e.what()}});
    return {};
  }
}

std::vector<std::string> prune_container_images(const Layout& layout,
                                                const ContainerEngine& engine,
                                                const std::string& service,
                                                const std::string& latest,
                                                const std::set<std::string>& in_use,
                                                int keep) {
  const ImagePrune prune =
      plan_image_prune(read_image_record(layout, service), latest, in_use, keep);
  std::vector<std::string> record;
  std::vector<std::string> removed;
  for (const std::string& image : prune.removed) {
    if (Status gone = engine.remove_image(image); !gone) {
      log_warn("cannot remove an old image; it is tried again after the next switch",
               {{"service", service}, {"image", image}, {"error", gone.error().describe()}});
      record.push_back(image);
      continue;
    }
    removed.push_back(image);
    log_info("pruned image", {{"service", service}, {"image", image}});
  }
  record.insert(record.end(), prune.kept.begin(), prune.kept.end());
  const nlohmann::json json = {{"images", record}};
  if (Status saved =
          write_file_atomic(image_record_path(layout, service), json_text(json, 2) + "\n");
      !saved) {
    log_warn("cannot record the service's images; old ones may stay",
             {{"service", service}, {"error", saved.error().describe()}});
  }
  return removed;
}

}  // namespace tether
