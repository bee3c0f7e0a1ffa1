/* Compiled with -std=c99 -pedantic -Werror -Wall -Wextra by ctest: the C API
 * header is plain C99, and its types are usable from C as documented. */
#include "lumen/lumen.h"

static int on_text(const char* text, size_t len, void* user_data) {
    (void)text;
    (void)user_data;
    return len > 0;
}

int main(void) {
    lumen_model_params mp;
    lumen_session_params sp;
    lumen_sampler_params samp;
    lumen_model_info info;
    lumen_chat_message msg;
    lumen_text_callback cb = on_text;
    msg.role = "user";
    msg.content = "hi";
    info.struct_size = sizeof info;
    (void)mp;
    (void)sp;
    (void)samp;
    (void)cb;
    (void)msg;
    return LUMEN_API_VERSION == 1000 ? 0 : 1;
}
