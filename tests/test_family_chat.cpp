// Chat templates of the newer family releases (Gemma 2, Phi-3.5, Granite 3.3)
// against the reference's renderings of their Jinja sources
// (golden/chat/renderings-families.json, made with the reference server's
// /apply-template; see golden/chat/README.md), and the synthetic family models
// carrying those templates.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lumen/chat_template.hpp"
#include "lumen/model.hpp"
#include "test_helpers.hpp"

using namespace lumen;

TEST_CASE("family chat templates render exactly like the reference from their Jinja sources") {
    const auto convs = nlohmann::json::parse(test::read_text(test::golden_path("chat/conversations.json")));
    const auto records = nlohmann::json::parse(test::read_text(test::golden_path("chat/renderings-families.json")));
    REQUIRE(records.size() == 6);
    for (const auto& r : records) {
        std::vector<ChatMessage> msgs;
        for (const auto& m : convs[r["conversation"].get<std::string>()])
            msgs.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
        INFO(r["source"].get<std::string>() << " / " << r["conversation"].get<std::string>());
        const std::string source = test::read_text(test::golden_path("chat/" + r["template_file"].get<std::string>()));
        const auto t = ChatTemplate::detect(source);
        REQUIRE(t.has_value());
        CHECK(t->name() == r["family"].get<std::string>());
        CHECK(t->render(msgs, r["add_generation_prompt"].get<bool>()) == r["rendered"].get<std::string>());
    }
}

TEST_CASE("family test models carry their family's chat template") {
    const std::pair<const char*, const char*> models[] = {
        {"synth/gemma2-f32.gguf", "gemma"}, {"synth/phi3-f32.gguf", "phi3"}, {"synth/granite-f32.gguf", "granite"}};
    for (const auto& [file, family] : models) {
        INFO(file);
        const auto model = Model::load(test::model_path(file));
        const auto t = ChatTemplate::detect(model->file().get_string("tokenizer.chat_template"));
        REQUIRE(t.has_value());
        CHECK(t->name() == family);
    }
}
