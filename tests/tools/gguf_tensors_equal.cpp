// Test helper: exit 0 when two GGUF files hold the same tensors (names, types,
// shapes, bytes; in any order); otherwise print the first difference and exit 1.
#include <cstdio>
#include <cstring>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gguf_tensors_equal A.gguf B.gguf\n");
        return 2;
    }
    try {
        const auto a = lumen::GgufFile::open(argv[1]);
        const auto b = lumen::GgufFile::open(argv[2]);
        if (a.tensors().size() != b.tensors().size()) {
            std::printf("tensor counts differ: %zu vs %zu\n", a.tensors().size(), b.tensors().size());
            return 1;
        }
        for (const auto& x : a.tensors()) {
            const lumen::GgufTensor* yp = b.find_tensor(x.name);
            if (yp == nullptr) {
                std::printf("tensor %s is missing from the second file\n", x.name.c_str());
                return 1;
            }
            const auto& y = *yp;
            if (x.type != y.type || x.ne != y.ne) {
                std::printf("tensor %s: %s [%s] vs %s [%s]\n", x.name.c_str(), lumen::type_name(x.type),
                            x.shape_string().c_str(), lumen::type_name(y.type), y.shape_string().c_str());
                return 1;
            }
            if (x.n_bytes != y.n_bytes || std::memcmp(x.data, y.data, x.n_bytes) != 0) {
                size_t at = 0;
                while (at < x.n_bytes && x.data[at] == y.data[at]) ++at;
                std::printf("tensor %s (%s): bytes differ from offset %zu\n", x.name.c_str(), lumen::type_name(x.type), at);
                return 1;
            }
        }
    } catch (const lumen::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
    return 0;
}
