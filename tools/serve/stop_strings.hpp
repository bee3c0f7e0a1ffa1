// Stop strings: generated text passes through and is cut where a stop string
// begins. Text that could still become a stop string is held back until the
// next piece decides it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lumen::serve {

class StopFilter {
public:
    explicit StopFilter(std::vector<std::string> stops);

    // The text that is safe to emit after `piece`; sets hit() when a stop
    // string was found (the text before it is returned, nothing after).
    std::string push(std::string_view piece);
    std::string flush();  // held-back text at the end of generation (not after a hit)
    bool hit() const { return hit_; }

private:
    std::vector<std::string> stops_;
    std::string held_;
    bool hit_ = false;
};

}  // namespace lumen::serve
