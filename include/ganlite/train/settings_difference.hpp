// ganlite/train/settings_difference.hpp — where a checkpoint's settings differ from a trainer's.
//
// The library names each setting in words ("generator learning rate", "batch", a model setting
// by its key); a program that takes settings as flags passes a naming function that says them as
// its flags ("--lr"), or "" to leave one unsaid. Values are exact text (exact_number), so equal
// text means equal value and a difference is never hidden by rounding.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gan_trainer.hpp"

namespace ganlite {

// A model's own settings, kept in its checkpoint beside the trainer's: at least "model" (a name).
using ModelSettings = std::map<std::string, std::string>;

// A number as text that reads back as the same double (1e-07 stays 1e-07, never 0.000000).
inline std::string exact_number(double v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

struct SettingDifference {
  std::string setting, in_checkpoint, now;
};
using SettingDifferences = std::vector<SettingDifference>;

inline void add_difference(SettingDifferences& d, const std::string& setting, const std::string& in_checkpoint, const std::string& now) {
  if (in_checkpoint != now) d.push_back({setting, in_checkpoint, now});
}

// The trainer's settings that shape a run's numbers, where saved and now differ.
inline SettingDifferences gan_config_differences(const GanConfig& saved, const GanConfig& now) {
  SettingDifferences d;
  add_difference(d, "noise size", std::to_string(saved.noise_dim), std::to_string(now.noise_dim));
  add_difference(d, "classes", std::to_string(saved.classes), std::to_string(now.classes));
  add_difference(d, "seed", std::to_string(saved.seed), std::to_string(now.seed));
  add_difference(d, "batch", std::to_string(saved.batch), std::to_string(now.batch));
  add_difference(d, "fixed noise vectors", std::to_string(saved.fixed_noise_count), std::to_string(now.fixed_noise_count));
  add_difference(d, "generator average decay", exact_number(saved.generator_ema), exact_number(now.generator_ema));
  add_difference(d, "objective", saved.objective.name, now.objective.name);
  add_difference(d, "augmentation", saved.augment.name(), now.augment.name());
  add_difference(d, "generator average warm-up", saved.generator_ema_warmup ? "on" : "off", now.generator_ema_warmup ? "on" : "off");
  for (const char* net : {"generator", "discriminator"}) {
    const bool g = net[0] == 'g';
    const AdamConfig &a = g ? saved.generator_adam : saved.discriminator_adam, &b = g ? now.generator_adam : now.discriminator_adam;
    add_difference(d, std::string(net) + " learning rate", exact_number(a.learning_rate), exact_number(b.learning_rate));
    add_difference(d, std::string(net) + " beta1", exact_number(a.beta1), exact_number(b.beta1));
    add_difference(d, std::string(net) + " beta2", exact_number(a.beta2), exact_number(b.beta2));
    add_difference(d, std::string(net) + " epsilon", exact_number(a.epsilon), exact_number(b.epsilon));
  }
  return d;
}

// The model's settings, any model's: every key either side has, quoted; a missing one is "(none)".
inline void add_model_settings_differences(SettingDifferences& d, const ModelSettings& saved, const ModelSettings& now) {
  std::set<std::string> keys;
  for (const auto* m : {&saved, &now})
    for (const auto& kv : *m) keys.insert(kv.first);
  for (const auto& k : keys) {
    const auto a = saved.find(k), b = now.find(k);
    add_difference(d, k, a == saved.end() ? "(none)" : "\"" + a->second + "\"", b == now.end() ? "(none)" : "\"" + b->second + "\"");
  }
}

// The model's settings, then the trainer's.
inline SettingDifferences gan_settings_differences(const ModelSettings& saved_model, const GanConfig& saved, const ModelSettings& now_model,
                                                   const GanConfig& now) {
  SettingDifferences d;
  add_model_settings_differences(d, saved_model, now_model);
  for (auto& x : gan_config_differences(saved, now)) d.push_back(std::move(x));
  return d;
}

// "generator learning rate 0.0002 in the checkpoint, 0.0001 now, batch 64 in the checkpoint, 32
// now", or "" when they agree. name(setting) says a setting as the caller knows it; "" leaves it
// out, and differences that read the same once named (two settings behind one flag) are said once.
inline std::string describe(const SettingDifferences& d, const std::function<std::string(const std::string&)>& name = {}) {
  std::string text;
  std::set<std::string> said;
  for (const auto& x : d) {
    const std::string n = name ? name(x.setting) : x.setting;
    if (n.empty()) continue;
    const std::string one = n + " " + x.in_checkpoint + " in the checkpoint, " + x.now + " now";
    if (said.insert(one).second) text += (text.empty() ? "" : ", ") + one;
  }
  return text;
}

}  // namespace ganlite
