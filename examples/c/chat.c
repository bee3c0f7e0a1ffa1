/* Streams a reply from a model through the lumen C API.
 *   chat MODEL.gguf [PROMPT] [TEMPERATURE]
 * Build: cc -std=c99 chat.c $(pkg-config --cflags --libs lumen)   (or find_package(lumen): lumen::lumen_c) */
#include <stdio.h>
#include <stdlib.h>

#include "lumen/lumen.h"

/* Called with each piece of the reply as it is generated; 0 would stop it. */
static int print_piece(const char* text, size_t len, void* user_data) {
    (void)user_data;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    return 1;
}

static int fail(const char* what) {
    fprintf(stderr, "%s: %s\n", what, lumen_last_error());
    return 1;
}

int main(int argc, char** argv) {
    lumen_model* model = NULL;
    lumen_session* session = NULL;
    lumen_sampler* sampler = NULL;
    lumen_chat* chat = NULL;
    lumen_session_params sp;
    lumen_sampler_params samp;
    int rc = 1;
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL.gguf [PROMPT] [TEMPERATURE]\n", argv[0]);
        return 2;
    }
    if (lumen_model_load_file(argv[1], NULL, &model) != LUMEN_OK) return fail("load");

    lumen_session_default_params(&sp, sizeof sp);
    sp.n_ctx = 256;
    lumen_sampler_default_params(&samp, sizeof samp);
    if (argc > 3) samp.temp = (float)atof(argv[3]);
    if (lumen_session_create(model, &sp, &session) != LUMEN_OK) {
        rc = fail("session");
    } else if (lumen_sampler_create(&samp, &sampler) != LUMEN_OK) {
        rc = fail("sampler");
    } else if (lumen_chat_create(session, NULL, NULL, &chat) != LUMEN_OK) { /* the model's own template */
        rc = fail("chat");
    } else if (lumen_chat_reply(chat, sampler, argc > 2 ? argv[2] : "Once upon a time", 64, print_piece, NULL,
                                NULL) != LUMEN_OK) {
        rc = fail("reply");
    } else {
        printf("\n");
        rc = 0;
    }
    /* Free in any order; every free accepts NULL. */
    lumen_chat_free(chat);
    lumen_sampler_free(sampler);
    lumen_session_free(session);
    lumen_model_free(model);
    return rc;
}
