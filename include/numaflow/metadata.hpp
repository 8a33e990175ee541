#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace numaflow {

// Groups of key → bytes, the shape of both user and system metadata.
class Metadata {
 public:
  using Group = std::map<std::string, std::string, std::less<>>;
  using Groups = std::map<std::string, Group, std::less<>>;

  Metadata() = default;
  explicit Metadata(Groups groups) : groups_(std::move(groups)) {}

  std::vector<std::string> groups() const {
    std::vector<std::string> names;
    for (auto const& [name, group] : groups_) names.push_back(name);
    return names;
  }

  std::vector<std::string> keys(std::string_view group) const {
    std::vector<std::string> names;
    if (auto it = groups_.find(group); it != groups_.end())
      for (auto const& [key, value] : it->second) names.push_back(key);
    return names;
  }

  std::optional<std::string> value(std::string_view group, std::string_view key) const {
    auto it = groups_.find(group);
    if (it == groups_.end()) return std::nullopt;
    auto kv = it->second.find(key);
    if (kv == it->second.end()) return std::nullopt;
    return kv->second;
  }

  Metadata& add(std::string group, std::string key, std::string value) {
    groups_[std::move(group)].insert_or_assign(std::move(key), std::move(value));
    return *this;
  }

  // Removing the last key of a group removes the group.
  Metadata& remove(std::string_view group, std::string_view key) {
    if (auto it = groups_.find(group); it != groups_.end()) {
      if (auto kv = it->second.find(key); kv != it->second.end()) it->second.erase(kv);
      if (it->second.empty()) groups_.erase(it);
    }
    return *this;
  }

  Metadata& remove_group(std::string_view group) {
    if (auto it = groups_.find(group); it != groups_.end()) groups_.erase(it);
    return *this;
  }

  void clear() { groups_.clear(); }
  bool empty() const { return groups_.empty(); }
  Groups const& all() const { return groups_; }

  friend bool operator==(Metadata const&, Metadata const&) = default;

 private:
  Groups groups_;
};

}  // namespace numaflow
