// Which quantizer `lumen quantize` uses per type (see file_quantizers.hpp).
#include "scalar/file_quantizers.hpp"

namespace lumen::kernels {

FileQuantizeFn file_quantizer(TensorType type) {
    switch (type) {
        case TensorType::IQ4_NL: return quantize_iq4_nl_rows;
        case TensorType::IQ4_XS: return quantize_iq4_xs_rows;
        case TensorType::TQ1_0: return quantize_tq1_0_rows;
        default: return nullptr;
    }
}

}  // namespace lumen::kernels
