// Run at configure time: prints one line per functionality of the registry, "<Tag> <offered
// policies…>", and one line "policies <every policy…>", from which the compile-fail cases of every
// tag and every policy a tag does not offer are generated.
#include <boost/hana/for_each.hpp>

#include <cstdio>
#include <string_view>

#include "numaflow/detail/registry.hpp"

namespace {

// The unqualified name of T, read off the compiler's signature of this function.
template <class T>
std::string_view name_of() {
  std::string_view const signature = __PRETTY_FUNCTION__;
  auto const start = signature.find("T = numaflow::") + 14;
  return signature.substr(start, signature.find_first_of(";]", start) - start);
}

void print(std::string_view text) { std::printf("%.*s", static_cast<int>(text.size()), text.data()); }

}  // namespace

int main() {
  namespace hana = boost::hana;
  print("policies");
  hana::for_each(numaflow::detail::policies, [](auto policy) {
    print(" ");
    print(name_of<typename decltype(policy)::type>());
  });
  print("\n");
  hana::for_each(numaflow::detail::registry, [](auto entry) {
    print(name_of<typename decltype(+hana::first(entry))::type>());
    hana::for_each(hana::second(entry), [](auto policy) {
      print(" ");
      print(name_of<typename decltype(policy)::type>());
    });
    print("\n");
  });
}
