// Which quantizer `lumen quantize` uses per type (see file_quantizers.hpp).
#include "scalar/file_quantizers.hpp"

namespace lumen::kernels {

FileQuantizeFn file_quantizer(TensorType type) {
    switch (type) {
        case TensorType::Q4_0: return quantize_q4_0_rows;
        case TensorType::Q4_1: return quantize_q4_1_rows;
        case TensorType::Q5_0: return quantize_q5_0_rows;
        case TensorType::Q5_1: return quantize_q5_1_rows;
        case TensorType::Q2_K: return quantize_q2_k_rows;
        case TensorType::Q3_K: return quantize_q3_k_rows;
        case TensorType::Q4_K: return quantize_q4_k_rows;
        case TensorType::Q5_K: return quantize_q5_k_rows;
        case TensorType::Q6_K: return quantize_q6_k_rows;
        case TensorType::IQ4_NL: return quantize_iq4_nl_rows;
        case TensorType::IQ4_XS: return quantize_iq4_xs_rows;
        case TensorType::IQ2_XXS: return quantize_iq2_xxs_rows;
        case TensorType::IQ2_XS: return quantize_iq2_xs_rows;
        case TensorType::IQ2_S: return quantize_iq2_s_rows;
        case TensorType::IQ1_S: return quantize_iq1_s_rows;
        case TensorType::IQ1_M: return quantize_iq1_m_rows;
        case TensorType::IQ3_XXS: return quantize_iq3_xxs_rows;
        case TensorType::IQ3_S: return quantize_iq3_s_rows;
        case TensorType::TQ1_0: return quantize_tq1_0_rows;
        default: return nullptr;
    }
}

}  // namespace lumen::kernels
