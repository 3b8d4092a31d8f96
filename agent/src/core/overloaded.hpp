#pragma once

namespace tether {

/// One visitor out of several lambdas, for `std::visit` over a closed set: give one lambda per
/// alternative (no `auto` catch-all), so a new alternative fails to compile until it is handled.
template <class... Lambdas>
struct Overloaded : Lambdas... {
  using Lambdas::operator()...;
};
template <class... Lambdas>
Overloaded(Lambdas...) -> Overloaded<Lambdas...>;

}  // namespace tether
